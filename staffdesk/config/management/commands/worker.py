import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from staffdesk.config import worker
from staffdesk.core.schema import require_migrated


class Command(BaseCommand):
    help = "Run the background worker: outbox delivery and timers. Stop with Ctrl-C or SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.STAFFDESK_WORKER_INTERVAL_SECONDS,
            help="Seconds between ticks.",
        )

    def handle(self, *args: object, once: bool, interval: float, **options: object) -> None:
        require_migrated()
        if once:
            handled = worker.tick()
            self.stdout.write(", ".join(f"{name}: {count}" for name, count in handled.items()))
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        worker.run(stop, interval=interval)

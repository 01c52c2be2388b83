import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from waitress import serve

from staffdesk.config import worker
from staffdesk.config.wsgi import application
from staffdesk.core.schema import require_migrated


class Command(BaseCommand):
    help = (
        "Serve staffdesk with waitress and, unless --no-worker, run the worker in the same "
        "process (the embedded default). For more traffic run several web processes and "
        "`staffdesk worker` separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not deliver the outbox from this process."
        )

    def handle(
        self, *args: object, host: str, port: int, threads: int, no_worker: bool, **options: object
    ) -> None:
        require_migrated()
        stop = threading.Event()
        if not no_worker:
            thread = threading.Thread(
                target=worker.run,
                args=(stop,),
                kwargs={"interval": settings.STAFFDESK_WORKER_INTERVAL_SECONDS},
                name="staffdesk-worker",
                daemon=True,
            )
            thread.start()
        self.stdout.write(f"staffdesk serving on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            serve(application, host=host, port=port, threads=threads, ident="staffdesk")
        finally:
            stop.set()

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffdesk.core.errors import Conflict
from staffdesk.demo.services import (
    DEFAULT_SEED,
    SIGN_INS,
    demo_create,
    organization_exists,
    sign_ins_exist,
)


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo city: departments, about 60 people, service teams, "
        "a service catalog and about 200 requests over the past 90 days. Every demo person's "
        "password is staffdesk-demo. Refuses a database that already has departments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"The same seed gives the same organization and requests (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="When the database already has departments, do nothing and exit 0.",
        )

    def handle(self, *args: object, seed: int, if_empty: bool, **options: object) -> None:
        if if_empty and organization_exists():
            self.stdout.write("The database already has an organization; no demo generated.")
            if sign_ins_exist():
                self._print_sign_ins()
            return
        started = time.monotonic()
        try:
            summary = demo_create(seed=seed)
        except Conflict as error:
            raise CommandError(
                f"{error.message} Point DATABASE_URL at a new database, or pass --if-empty to "
                "skip without an error."
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city generated in {time.monotonic() - started:.1f} s (seed {seed}): "
                f"{summary.departments} departments, {summary.people} people, "
                f"{summary.services} services, {summary.requests} requests, "
                f"{summary.notifications} in-app notifications (not emailed)."
            )
        )
        self._print_sign_ins()

    def _print_sign_ins(self) -> None:
        rows = [("role", "username", "password", "who — what to try")]
        rows += [(s.role, s.username, s.password, f"{s.who} — {s.try_this}") for s in SIGN_INS]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write(f"\nSign in at {settings.STAFFDESK_BASE_URL}/ as:")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))

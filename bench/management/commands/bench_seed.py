import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from bench.seed import (
    BENCH_AGENT,
    BENCH_EMPLOYEE,
    DEFAULT_SEED,
    PASSWORD,
    SEARCH_WORD,
    bench_seed,
)
from staffdesk.core.errors import Conflict


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with the benchmark organization: 40 departments, 30,000 people, "
        "400 services, N requests over three years with their timelines, 1,000 "
        "announcements with their read receipts, the satisfaction surveys of the resolutions "
        "and 100,000 suggestions with a million votes, in bulk. Refuses "
        "a database that already has departments or requests (there is no --force: point "
        "DATABASE_URL at a new database). Every account's password is staffdesk-bench."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--requests", type=int, required=True, help="How many requests to generate."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"The same seed gives the same rows (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Shrink the organization (people and departments) by this factor, e.g. 0.02 "
            "for tests; default 1.",
        )
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            default=None,
            help="The moment the history is generated for, ISO 8601 with its offset (default: "
            "now). It ends at that day's midnight UTC; the same seed and day give the same rows.",
        )

    def handle(
        self,
        *args: object,
        requests: int,
        seed: int,
        scale: float,
        now: datetime | None,
        **options: object,
    ) -> None:
        if requests < 0:
            raise CommandError("--requests must be 0 or more.")
        if not 0 < scale <= 1:
            raise CommandError("--scale must be more than 0 and at most 1.")
        if now is not None and timezone.is_naive(now):
            raise CommandError("--now needs its UTC offset, e.g. 2026-11-20T12:00:00+00:00.")
        started = time.monotonic()
        try:
            summary = bench_seed(
                requests=requests, seed=seed, scale=scale, now=now, progress=self.stdout.write
            )
        except Conflict as error:
            raise CommandError(error.message) from error
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {connection.vendor} in {time.monotonic() - started:.1f} s (seed {seed}): "
                f"{summary.departments} departments, {summary.people:,} people, "
                f"{summary.services} services, {summary.requests:,} requests "
                f"({summary.open_requests:,} open), {summary.events:,} events, "
                f"{summary.escalations:,} escalations, "
                f"{summary.announcements.announcements:,} announcements "
                f"({summary.announcements.receipts:,} receipts, "
                f"{summary.announcements.acknowledgements:,} acknowledgements), "
                f"{summary.feedback.surveys.surveys:,} surveys, "
                f"{summary.feedback.suggestions.suggestions:,} suggestions "
                f"({summary.feedback.suggestions.votes:,} votes). [{phases}]"
            )
        )
        self.stdout.write(
            f"Sign in as {BENCH_AGENT} (an IT agent) or {BENCH_EMPLOYEE} with password "
            f"{PASSWORD}; '{SEARCH_WORD}' is in 1 % of the requests."
        )

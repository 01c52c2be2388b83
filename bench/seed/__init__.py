"""The benchmark organization: 40 departments, 30,000 people, 400 services, N requests over
three years, 1,000 announcements over the last, the satisfaction surveys of the resolutions
and 100,000 suggestions with a million votes, generated in bulk for `staffdesk bench-seed`
and `make bench`.

Unlike the demo (`staffdesk/demo/`), which plays its history through the request services,
this writes the requests and their timelines directly, because a million requests through
the services would take hours. The rows are the ones those services would have written (see
`history.py`); their clocks and escalations are computed by the product's own functions
(see `service_levels.py`), and `tests/bench/test_bench_seed.py` checks the invariants they
keep. The calendar and agreements go through the SLA services. All randomness comes from
one `random.Random(seed)`; the history ends at `now` rounded down to midnight UTC, so the
same seed and the same end day give the same rows.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from bench.seed import loader
from bench.seed.announcements import AnnouncementSummary, announcements_create
from bench.seed.feedback import MODELS as FEEDBACK_MODELS
from bench.seed.feedback import FeedbackSummary, feedback_create
from bench.seed.history import (
    ESCALATION_COLUMNS,
    EVENT_COLUMNS,
    OPEN,
    REQUEST_COLUMNS,
    EventIds,
    Timeline,
    finish,
    history_rows,
)
from bench.seed.organization import (
    BENCH_AGENT,
    BENCH_EMPLOYEE,
    BENCH_SERVICE,
    PASSWORD,
    organization_create,
)
from bench.seed.parallel import Clocks
from bench.seed.service_levels import service_levels_create
from bench.seed.words import DEPARTMENTS, SEARCH_WORD
from staffdesk.announcements.models import Acknowledgement, Receipt
from staffdesk.core import clock
from staffdesk.core.errors import Conflict
from staffdesk.directory.models import Department
from staffdesk.escalation.models import Escalation
from staffdesk.requests.models import Request, RequestCounter, RequestEvent

__all__ = [
    "BENCH_AGENT",
    "BENCH_EMPLOYEE",
    "BENCH_SERVICE",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "PASSWORD",
    "SEARCH_WORD",
    "BenchSummary",
    "bench_seed",
]

DEFAULT_SEED = 1
# Bump when the generated rows change, so `make bench` reseeds its cached databases.
# 3: announcements (bench/seed/announcements.py).
# 4: feedback: surveys and the suggestion box (bench/seed/feedback.py, bench/seed/suggestions/).
GENERATOR_VERSION = 4
YEARS = 3
FULL_PEOPLE = 30_000
FULL_DEPARTMENTS = len(DEPARTMENTS)  # 40, ten services each
CHUNK = 50_000  # requests per insert batch and per transaction
FULL_ANNOUNCEMENTS = 1_000
# The announcements draw from their own generator, so the requests stay those of generator 2.
ANNOUNCEMENTS_SEED = 15
FULL_SUGGESTIONS = 100_000
FULL_VOTES = 1_000_000
# ... and so does the feedback: requests and announcements stay those of generator 3.
FEEDBACK_SEED = 16
STATUS = REQUEST_COLUMNS.index("status")


@dataclass
class BenchSummary:
    """What was generated and how long each phase took (seconds)."""

    departments: int = 0
    people: int = 0
    services: int = 0
    requests: int = 0
    events: int = 0
    open_requests: int = 0
    escalations: int = 0
    announcements: AnnouncementSummary = field(default_factory=AnnouncementSummary)
    feedback: FeedbackSummary = field(default_factory=FeedbackSummary)
    seconds: dict[str, float] = field(default_factory=dict)


def _ensure_empty() -> None:
    if Department.objects.exists() or Request.objects.exists():
        raise Conflict(
            "The database already has departments or requests; bench-seed fills only an empty "
            "database (it numbers requests from 1 and creates fixed accounts)."
        )


def bench_seed(
    *,
    requests: int,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> BenchSummary:
    """Generate the benchmark organization and `requests` requests into an empty database.

    `scale` shrinks the organization (people and departments) for quick runs and tests.
    `workers` processes compute the requests' clocks (default: one per core once there is
    more than one chunk; 0: in this process). The rows do not depend on it.
    """
    say = progress or (lambda message: None)
    _ensure_empty()
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    moment = clock.resolve(now).astimezone(UTC)
    end = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    timeline = Timeline(
        start=end - timedelta(days=365 * YEARS),
        days=365 * YEARS,
        suffix="+00" if connection.vendor == "postgresql" else "",
    )
    rng = random.Random(seed)
    summary = BenchSummary()
    started = time.monotonic()
    with loader.fast_session():
        with transaction.atomic():
            organization = organization_create(
                rng=rng,
                people=max(10, round(FULL_PEOPLE * scale)),
                departments=max(5, round(FULL_DEPARTMENTS * scale)),
                established_at=timeline.start - timedelta(days=1),
                seed=seed,
            )
            levels = service_levels_create(
                departments=organization.departments,
                established_at=timeline.start - timedelta(days=1),
                end=end,
            )
        summary.departments = len(organization.department_ids)
        summary.people = len(organization.person_ids)
        summary.services = len(organization.services)
        summary.seconds["organization"] = time.monotonic() - started
        say(
            f"organization: {summary.departments} departments, {summary.people} people, "
            f"{organization.memberships} agents and leads, {summary.services} services "
            f"({summary.seconds['organization']:.1f} s)"
        )
        counters: dict[int, int] = {}
        ids = EventIds()
        if workers is None:
            workers = (os.cpu_count() or 1) if requests > CHUNK else 0
        # Before any worker forks: afterwards the clocks read nothing from the database.
        levels.prepare(range(timeline.start.year, end.year + 1), organization.service_rows)

        def load(rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
            request_rows, event_rows, ledger_rows = rows
            with transaction.atomic():
                loader.insert_rows(Request, REQUEST_COLUMNS, request_rows)
                loader.insert_rows(RequestEvent, EVENT_COLUMNS, event_rows)
                loader.insert_rows(Escalation, ESCALATION_COLUMNS, ledger_rows)
            summary.requests += len(request_rows)
            summary.events += len(event_rows)
            summary.escalations += len(ledger_rows)
            summary.open_requests += sum(1 for row in request_rows if row[STATUS] in OPEN)
            if summary.requests % (CHUNK * 4) == 0 or summary.requests == requests:
                say(
                    f"requests: {summary.requests:,} of {requests:,}, {summary.events:,} "
                    f"events ({time.monotonic() - phase:.1f} s)"
                )

        phase = time.monotonic()
        with (
            loader.without_secondary_indexes([Request, RequestEvent]) as dropped,
            Clocks(levels, timeline, workers=workers) as clocks,
        ):
            ready = None
            for chunk in history_rows(
                rng=rng,
                organization=organization,
                count=requests,
                timeline=timeline,
                chunk=CHUNK,
                counters=counters,
                ids=ids,
            ):
                pending = clocks.submit(chunk.clock_inputs)
                if ready is not None:
                    load(ready)  # the previous chunk, while the workers compute this one's clocks
                ready = finish(chunk, clocks.result(pending), levels=levels, ids=ids)
            if ready is not None:
                load(ready)
            summary.seconds["requests"] = time.monotonic() - phase
            say(f"rebuilding {len(dropped)} indexes and constraints")
            phase = time.monotonic()
        summary.seconds["indexes"] = time.monotonic() - phase
        with transaction.atomic():
            RequestCounter.objects.bulk_create(
                [
                    RequestCounter(department_id=department_id, last_number=last)
                    for department_id, last in sorted(counters.items())
                ]
            )
        phase = time.monotonic()
        with transaction.atomic():
            summary.announcements = announcements_create(
                rng=random.Random(seed * 1_000 + ANNOUNCEMENTS_SEED),
                organization=organization,
                timeline=timeline,
                end=end,
                count=max(20, round(FULL_ANNOUNCEMENTS * scale)),
            )
        summary.seconds["announcements"] = time.monotonic() - phase
        news = summary.announcements
        say(
            f"announcements: {news.announcements:,} ({news.current:,} current, "
            f"{news.to_everyone} to everyone, {news.required} to acknowledge), "
            f"{news.receipts:,} receipts, {news.acknowledgements:,} acknowledgements "
            f"({summary.seconds['announcements']:.1f} s)"
        )
        phase = time.monotonic()
        with transaction.atomic():
            summary.feedback = feedback_create(
                rng=random.Random(seed * 1_000 + FEEDBACK_SEED),
                organization=organization,
                timeline=timeline,
                suggestions=max(100, round(FULL_SUGGESTIONS * scale)),
                votes=round(FULL_VOTES * scale),
            )
        summary.seconds["feedback"] = time.monotonic() - phase
        surveys, box = summary.feedback.surveys, summary.feedback.suggestions
        say(
            f"feedback: {surveys.surveys:,} surveys ({surveys.ratings:,} rated, {surveys.low:,} "
            f"low, {surveys.scheduled:,} still scheduled), {box.suggestions:,} suggestions "
            f"({box.anonymous:,} anonymous, {box.done:,} done, {box.declined:,} declined, "
            f"{box.merged:,} merged), {box.votes:,} votes, {box.followers:,} followers, "
            f"{box.responses:,} responses ({box.drafts:,} drafts), {box.comments:,} comments, "
            f'{box.help_answers:,} "did it help?" answers '
            f"({summary.seconds['feedback']:.1f} s)"
        )
        phase = time.monotonic()
        loader.finish(
            [Request, RequestEvent, Escalation, Receipt, Acknowledgement, *FEEDBACK_MODELS]
        )
        summary.seconds["analyze"] = time.monotonic() - phase
    summary.seconds["total"] = time.monotonic() - started
    return summary

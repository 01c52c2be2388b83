"""The worker's timers under `make bench`: run by bench/run.py against the working copy.

    DATABASE_URL=... python bench/tick.py --now 2026-11-20T00:00:00+00:00 [--runs 5] [--due 10000]

`--now` is the end of the seeded history, where by construction no SLA check and no
escalation is due (bench-seed stores only future `next_check_at`/`next_escalation_at`).

1. idle: `sla_tick` and `escalation_tick` at `--now`, `--runs` times each after one warm-up:
   the cost of a tick when nothing is due, which must be one index probe however many
   requests exist. The plans of their due queries are recorded.
2. due: the `--due` newest open requests of the seeded history are made due (their ledger
   emptied, as if their department had just adopted its policy, and `next_escalation_at`
   set to `--now`), then one
   `escalation_tick` runs until done; the rows it wrote and its time are reported. This
   changes the database: run it on a throwaway copy.
3. arithmetic: the business-time arithmetic of filing a request (its SLA state at filing,
   `sla_state`, and the due instant alone, `add_business_time`) on the seeded calendar, in
   microseconds per call, over 1,000 filing instants spread over a year.

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet


def spread(values: list[float], digits: int = 2) -> dict:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(value, digits) for value in values],
    }


def plan_of(queryset: QuerySet) -> str:
    return " | ".join(line.strip() for line in queryset.explain().splitlines() if line.strip())


def idle(now: datetime, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffdesk.escalation.services import escalation_tick
    from staffdesk.requests.models import OPEN_STATUSES, Request
    from staffdesk.requests.sla.tick import sla_tick

    # The ticks' claim queries (bar the row lock, which EXPLAIN does not need).
    claims = {
        column: Request.objects.filter(**{f"{column}__lte": now})
        .order_by(column)
        .values_list("pk", flat=True)
        for column in ("next_check_at", "next_escalation_at")
    }
    report: dict = {}
    for name, tick, query in (
        ("sla_tick", sla_tick, claims["next_check_at"][:500]),
        ("escalation_tick", escalation_tick, claims["next_escalation_at"][:250]),
    ):
        handled = tick(now=now)  # warm-up: connection, imports
        with CaptureQueriesContext(connection) as queries:
            handled += tick(now=now)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            handled += tick(now=now)
            timings.append((time.perf_counter() - started) * 1000)
        report[name] = {
            "ms": spread(timings, 3),
            "handled": handled,
            "queries": len(queries),
            "plan": plan_of(query),
        }
    report["indexed"] = {
        "next_check_at": Request.objects.filter(next_check_at__isnull=False).count(),
        "next_escalation_at": Request.objects.filter(next_escalation_at__isnull=False).count(),
        "open": Request.objects.filter(status__in=OPEN_STATUSES).count(),
    }
    return report


def due(now: datetime, count: int) -> dict:
    from django.db import transaction

    from staffdesk.escalation.models import Escalation
    from staffdesk.escalation.services import escalation_tick
    from staffdesk.notifications.models import Notification
    from staffdesk.requests.models import OPEN_STATUSES, Request, RequestEvent
    from staffdesk.requests.services.notify import request_url

    # A running worker has its URL configuration loaded (mails link to the request page).
    first = Request.objects.first()
    assert first is not None  # the seed filed requests
    request_url(first)
    # Filed within the seeded history: the HTTP scenarios that ran before on this copy
    # filed requests of their own, which have nothing due yet.
    chosen = list(
        Request.objects.filter(status__in=OPEN_STATUSES, created_at__lte=now)
        .order_by("-id")
        .values_list("pk", flat=True)[:count]
    )
    with transaction.atomic():
        cleared = Escalation.objects.filter(request_id__in=chosen).delete()[0]
        Request.objects.filter(pk__in=chosen).update(next_escalation_at=now)

    def rows() -> tuple[int, int, int]:
        return (
            Escalation.objects.count(),
            RequestEvent.objects.filter(kind="escalation").count(),
            Notification.objects.filter(kind="request_escalated").count(),
        )

    before = rows()
    started, cpu = time.perf_counter(), time.process_time()
    fired = escalation_tick(now=now)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = rows()
    again = escalation_tick(now=now)
    return {
        "requests_due": len(chosen),
        "ledger_rows_cleared": cleared,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),  # this process only (the database's own work is apart)
        "fired": fired,
        "ledger_rows": after[0] - before[0],
        "timeline_rows": after[1] - before[1],
        "notification_rows": after[2] - before[2],
        "per_10k_escalations_s": round(seconds * 10_000 / fired, 3) if fired else None,
        "fired_by_a_second_tick": again,
    }


def arithmetic(now: datetime, runs: int) -> dict:
    from staffdesk.requests.sla.clocks import Rules, Targets, sla_state
    from staffdesk.sla.businesstime import add_business_time
    from staffdesk.sla.calendars import calendar_spec
    from staffdesk.sla.models import Agreement

    agreement = Agreement.objects.select_related("calendar").get(provider__code="IT")
    target = agreement.targets.get(priority=3)
    targets = Targets(
        timedelta(minutes=target.first_response_minutes),
        timedelta(minutes=target.resolution_minutes),
    )
    calendar = calendar_spec(agreement.calendar, years=range(now.year - 1, now.year + 3))
    rules = Rules(at_risk_share=float(agreement.at_risk_share))
    rng = random.Random(1)
    # Filed at any minute of the year before `now`: office hours, evenings, weekends, holidays.
    instants = [now - timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(1000)]

    def per_call(function: Callable[[datetime], object]) -> list[float]:
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            for instant in instants:
                function(instant)
            timings.append((time.perf_counter() - started) / len(instants) * 1e6)
        return timings

    state = per_call(
        lambda at: sla_state(
            opened_at=at, steps=(), targets=targets, rules=rules, calendar=calendar, now=at
        )
    )
    due_at = per_call(lambda at: add_business_time(at, targets.response, calendar))
    return {
        "calendar": f"{agreement.calendar.name} ({agreement.calendar.time_zone}, "
        f"{agreement.calendar.holiday_country}-{agreement.calendar.holiday_subdivision} holidays)",
        "targets_minutes": [target.first_response_minutes, target.resolution_minutes],
        "sla_state_at_filing_us": spread(state),
        "add_business_time_us": spread(due_at),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", type=datetime.fromisoformat, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    report = {
        "now": args.now.isoformat(),
        "idle": idle(args.now, args.runs),
        "arithmetic": arithmetic(args.now, args.runs),
    }
    if args.due:
        report["due"] = due(args.now, args.due)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

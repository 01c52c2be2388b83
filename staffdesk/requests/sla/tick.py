"""The SLA tick: refresh the requests whose clocks change state by themselves (at risk, breach)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from staffdesk.core import clock
from staffdesk.requests.models import Request
from staffdesk.requests.sla.store import sla_refresh


def sla_tick(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Refresh every request whose `next_check_at` has passed; returns how many were refreshed.

    Due rows are found through the partial index on `next_check_at`, so an idle tick is one
    index probe however many requests exist. On PostgreSQL rows are claimed with
    `SKIP LOCKED`, so several workers share the work; SQLite's write lock serializes them.
    A refresh is idempotent: recomputing a request twice stores the same values.
    """
    moment = clock.resolve(now)
    done: set[int] = set()
    while True:
        with transaction.atomic():
            due = (
                Request.objects.filter(next_check_at__lte=moment)
                .exclude(pk__in=done)
                .order_by("next_check_at")
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            # Claim ids first: an idle tick is this one small query (the rows and their
            # agreements are read only when some are due).
            claimed = list(due.values_list("pk", flat=True)[:batch_size])
            if claimed:
                batch = Request.objects.filter(pk__in=claimed).select_related(
                    "sla_agreement__calendar"
                )
                for request in batch.order_by("next_check_at", "pk"):
                    sla_refresh(request=request, now=moment, timeline_moved=False)
        # Each request is refreshed once per tick, even if (by a rounding edge) its next
        # check still lies at or before `moment`.
        done.update(claimed)
        if len(claimed) < batch_size:
            return len(done)

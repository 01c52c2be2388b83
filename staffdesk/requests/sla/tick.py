"""The SLA tick: refresh the requests whose clocks change state by themselves (at risk, breach)."""

from __future__ import annotations

from datetime import datetime

from staffdesk.core import clock
from staffdesk.core.claims import process_due
from staffdesk.requests.models import Request
from staffdesk.requests.sla.store import sla_refresh


def sla_tick(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Refresh every request whose `next_check_at` has passed; returns how many were refreshed.

    Due rows are claimed in batches by `core.claims.process_due` (an idle tick is one index
    probe; `SKIP LOCKED` on PostgreSQL, so several workers share the work). A refresh is
    idempotent: recomputing a request twice stores the same values.
    """
    moment = clock.resolve(now)
    done: set[int] = set()

    def refresh(claimed: list[int]) -> None:
        batch = Request.objects.filter(pk__in=claimed).select_related("sla_agreement__calendar")
        for request in batch.order_by("next_check_at", "pk"):
            sla_refresh(request=request, now=moment, timeline_moved=False)
        # Each request is refreshed once per tick, even if (by a rounding edge) its next
        # check still lies at or before `moment`.
        done.update(claimed)

    process_due(
        Request, "next_check_at", now=moment, batch_size=batch_size, skip=done, process=refresh
    )
    return len(done)

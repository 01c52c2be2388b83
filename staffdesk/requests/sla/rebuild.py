"""Recomputing every request's stored SLA fields from its timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.requests.models import Request
from staffdesk.requests.sla.store import STORED_FIELDS, apply, compute, snapshot


@dataclass
class RebuildReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)  # request numbers whose cache differed


def sla_rebuild(
    *, now: datetime | None = None, write: bool = True, chunk: int = 1000
) -> RebuildReport:
    """Recompute all; with `write`, store what differs. A correct cache changes nothing."""
    moment = clock.resolve(now)
    report = RebuildReport()
    requests = Request.objects.select_related("sla_agreement__calendar").order_by("pk")
    for request in requests.iterator(chunk_size=chunk):
        report.checked += 1
        before = snapshot(request)
        apply(request, compute(request, now=moment))
        if snapshot(request) != before:
            report.changed.append(request.number)
            if write:
                with transaction.atomic(durable=True):  # each fix commits on its own
                    Request.objects.filter(pk=request.pk).update(
                        **{name: getattr(request, name) for name in STORED_FIELDS}
                    )
    return report

"""Writes around policies: a changed policy makes the tick look at its requests again."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.escalation.models import Policy
from staffdesk.requests.models import OPEN_STATUSES, Request


@transaction.atomic
def policy_requests_recheck(*, policy: Policy, now: datetime | None = None) -> int:
    """Put the open requests the policy may cover back in the tick's index, due now.

    A request's `next_escalation_at` was computed from the levels in force then: after a
    policy or its levels change (or a first policy appears), it may point too late or be
    empty. The next tick evaluates each of them once with the new levels; the ledger keeps
    levels already fired from firing again. Returns how many requests were touched.
    """
    moment = clock.resolve(now)
    requests = Request.objects.filter(department_id=policy.department_id, status__in=OPEN_STATUSES)
    if policy.service_id is not None:
        requests = requests.filter(service_id=policy.service_id)
    return requests.update(next_escalation_at=moment)

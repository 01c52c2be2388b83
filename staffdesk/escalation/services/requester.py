"""The requester's escalation: to the next level, with a reason, once the promise is broken."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.selectors import requester_escalation
from staffdesk.escalation.services.firing import Firing
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import is_requester_side

REASON_MAX = 2000


@transaction.atomic
def request_escalate(
    *, request: Request, actor: Person, reason: str, now: datetime | None = None
) -> Escalation:
    """Fire the request's next unfired level for its requester; at most once per level."""
    moment = clock.resolve(now)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Say why you are escalating: the people it goes to will read it.",
            errors={"reason": ["this field is required"]},
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"The reason is {len(reason)} characters; keep it under {REASON_MAX}.",
            errors={"reason": [f"at most {REASON_MAX} characters"]},
        )
    if not is_requester_side(actor, request):
        raise PermissionDenied("Only the requester, or the person it was filed for, can escalate.")
    # Under the row lock a concurrent tick or second click has either committed its level
    # (and we see it in the ledger) or waits for us.
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("service__point_person", "service__backup", "department__lead__manager")
        .get(pk=request.pk)
    )
    option = requester_escalation(user=actor, request=request, now=moment)
    if not option.allowed or option.level is None:
        raise Conflict(option.reason, errors={"reason": [option.reason]})
    firing = Firing(now=moment)
    firing.fire(
        request, option.level, source=Escalation.Source.REQUESTER, actor=actor, reason=reason
    )
    entry = firing.ledger[0]
    firing.flush()
    # The levels left may now fall due at other times: let the tick look again.
    Request.objects.filter(pk=request.pk).update(next_escalation_at=moment)
    return entry

"""REST endpoints of escalation: the request's fired levels and the requester's escalation."""

from __future__ import annotations

from ninja import Router, Status

from staffdesk.core import clock
from staffdesk.core.types import String
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.escalation import selectors, services
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.schemas import EscalateIn, EscalationOut, EscalationsOut
from staffdesk.requests.selectors import access_request

router = Router(tags=["escalation"])


@router.get(
    "/requests/{number}/escalations",
    response=EscalationsOut,
    summary="Levels fired so far, and whether I can escalate",
)
def escalation_list(request: AuthenticatedHttpRequest, number: String) -> dict[str, object]:
    """The providing team sees every fired level; others those the requester fired."""
    item = access_request(user=request.user, number=number)
    option = selectors.requester_escalation(user=request.user, request=item, now=clock.now())
    return {
        "levels": selectors.escalation_list(user=request.user, request=item),
        "can_escalate": option.allowed,
        "next_level": option.level,
        "why_not": option.reason,
    }


@router.post(
    "/requests/{number}/escalate",
    response={201: EscalationOut},
    summary="Escalate to the next level with a reason (requester's side)",
)
def request_escalate(
    request: AuthenticatedHttpRequest, number: String, payload: EscalateIn
) -> Status[Escalation]:
    """Allowed once the first-response target has passed without an answer or the
    resolution target is breached; each level at most once (409 otherwise)."""
    item = access_request(user=request.user, number=number)
    fired = services.request_escalate(request=item, actor=request.user, reason=payload.reason)
    return Status(201, fired)

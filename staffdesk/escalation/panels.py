"""The escalation section of the request page, added through `requests.panels` (apps.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from staffdesk.directory.types import Viewer
from staffdesk.escalation.selectors import requester_escalation
from staffdesk.escalation.services.requester import REASON_MAX
from staffdesk.requests.models import Request, RequestEvent
from staffdesk.requests.panels import Panel
from staffdesk.requests.read import TimelineEntry
from staffdesk.requests.selectors import can_work_on, is_requester_side

TEMPLATE = "escalation/partials/panel.html"


def escalation_panel(
    *, user: Viewer, request: Request, now: datetime, timeline: Sequence[TimelineEntry]
) -> Panel | None:
    """The requester's side: the Escalate form, or when it will be possible. The providing
    team: each level fired so far, read from the timeline the page already has (every fired
    level writes one escalation event with the ledger row, internal for a trigger's)."""
    fired = (
        [event for event in timeline if event.kind == RequestEvent.Kind.ESCALATION]
        if can_work_on(user, request)
        else []
    )
    option = None
    if is_requester_side(user, request) and request.is_open:
        option = requester_escalation(user=user, request=request, now=now)
        if not option.has_policy:
            option = None
    if option is None and not fired:
        return None
    return Panel(TEMPLATE, {"option": option, "fired": fired, "reason_max": REASON_MAX})

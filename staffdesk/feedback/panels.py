"""The satisfaction section of the request page (through `requests.panels`) and "Rate it" on
"My requests" (through `requests.row_actions`), both registered in apps.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from staffdesk.directory.selectors import is_org_admin
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Rating, Survey
from staffdesk.feedback.models.surveys import LOW_RATING
from staffdesk.feedback.selectors.surveys import open_unanswered_by_request, request_surveys
from staffdesk.requests.models import Request, RequestEvent, Status
from staffdesk.requests.panels import Panel
from staffdesk.requests.read import TimelineEntry
from staffdesk.requests.row_actions import RowAction
from staffdesk.requests.selectors import can_work_on, is_requester_side

TEMPLATE = "feedback/partials/rating_panel.html"
# The five answers as the form lists them, the best first (values as the form posts them).
CHOICES = [(str(value), label) for value, label in reversed(Rating.choices)]


def rating_panel(
    *, user: Viewer, request: Request, now: datetime, timeline: Sequence[TimelineEntry]
) -> Panel | None:
    """The requester's side: "How did we do?" with the form while their survey is open, or
    the rating they gave. The providing team (and organization admins, for what is not
    confidential): each rating with its comment, and for a low one the follow-up form.

    Nothing is read for a request never resolved (the timeline says so); otherwise one query.
    """
    if not any(
        entry.kind == RequestEvent.Kind.STATUS and entry.data.get("to") == Status.RESOLVED
        for entry in timeline
    ):
        return None
    team = can_work_on(user, request)
    side = is_requester_side(user, request)
    if not (team or side or is_org_admin(user)):
        return None
    surveys = list(request_surveys(user=user, request=request))
    mine = next((s for s in surveys if s.person_id == user.pk), None) if side else None
    ask = mine if mine is not None and mine.status == Survey.Status.OPEN else None
    others = [s for s in surveys if s.person_id != user.pk] if side else surveys
    rated = [s for s in others if s.rating is not None]
    waiting = [s for s in others if s.rating is None and s.status == Survey.Status.OPEN]
    if ask is None and not rated and not (waiting and team):
        return None
    return Panel(
        TEMPLATE,
        {
            "ask": ask,
            "ask_open": ask is not None and not ask.is_closed(now),
            "selected": str(ask.rating) if ask is not None and ask.rating else "",
            "choices": CHOICES,
            "rated": rated,
            "waiting": waiting if team else [],
            "team": team,
            "low": LOW_RATING,
        },
    )


def rate_it_actions(*, user: Viewer, requests: Sequence[Request]) -> dict[int, list[RowAction]]:
    """ "Rate it" on the resolved requests of the page whose survey of the user is open and
    unanswered: one query, none when no request on the page is resolved or closed."""
    finished = [r.pk for r in requests if r.status in (Status.RESOLVED, Status.CLOSED)]
    if not finished:
        return {}
    found = open_unanswered_by_request(user=user, request_ids=finished, now=None)
    return {
        request_id: [RowAction("Rate it", reverse("feedback:survey", args=[survey_id]))]
        for request_id, survey_id in found.items()
    }

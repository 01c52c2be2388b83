"""Satisfaction surveys: scheduled on resolution, opened by the worker, rated once or changed
until they close, followed up by the team when low."""

from __future__ import annotations

from datetime import datetime

from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request, RequestEvent

KIND = "survey"
LOW_RATING_KIND = "survey_low_rating"


def survey_on_status_change(
    *, request: Request, from_status: str, to_status: str, event: RequestEvent, now: datetime
) -> None:
    """(requests.lifecycle) Schedule surveys on a resolution; withdraw unanswered ones on a reopen."""


def survey_mail_links(notification: Notification) -> str:
    """(notifications.kinds) The survey mail's five one-use links, minted as it is sent."""
    return ""

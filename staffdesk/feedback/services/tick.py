"""The worker's task for this app: open the surveys that are due, ask "did it help?"."""

from __future__ import annotations

from datetime import datetime

from staffdesk.core import clock
from staffdesk.feedback.services.suggestions import suggestion_help_due
from staffdesk.feedback.services.surveys import surveys_open_due


def feedback_tick(*, now: datetime | None = None) -> int:
    """Returns how many surveys were opened plus how many "did it help?" questions were asked."""
    moment = clock.resolve(now)
    return surveys_open_due(now=moment) + suggestion_help_due(now=moment)

"""Escalation levels in words, for the timeline, the request page and the API."""

from __future__ import annotations

from datetime import timedelta

from staffdesk.escalation.models import Level
from staffdesk.escalation.triggers import Trigger, WatchedClock
from staffdesk.requests.sla.display import format_duration


def describe(level: Level) -> str:
    """The level's trigger in words: "75 % of the first response target used"."""
    clock = "first response" if level.clock == WatchedClock.RESPONSE else "resolution"
    minutes = format_duration(timedelta(minutes=level.business_minutes or 0))
    match level.trigger:
        case Trigger.SHARE:
            return f"{level.share_percent} % of the {clock} target used"
        case Trigger.BREACH:
            return f"the {clock} target was breached"
        case Trigger.AFTER_BREACH:
            return f"{minutes} of business time past the {clock} target"
        case _:
            return f"no public answer or status change from the team for {minutes}"

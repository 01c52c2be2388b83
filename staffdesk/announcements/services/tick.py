"""The worker's task for this app: archive what expired, then fan out what is due."""

from __future__ import annotations

from datetime import datetime

from staffdesk.announcements.services.announcements import announcements_expire
from staffdesk.announcements.services.broadcast import broadcast_tick
from staffdesk.core import clock


def announcements_tick(*, now: datetime | None = None) -> int:
    """Returns how many announcements were archived plus how many people were notified."""
    moment = clock.resolve(now)
    return announcements_expire(now=moment) + broadcast_tick(now=moment)

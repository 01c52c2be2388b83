"""Working time for generated history: people file and answer requests in office hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

OPENS = time(8, 0)
CLOSES = time(17, 0)
WORKING_DAY_MINUTES = (CLOSES.hour - OPENS.hour) * 60


class WorkingClock:
    """Maps "working minutes before now" to instants, Monday to Friday 08:00-17:00 local time.

    History is planned in working minutes, so its shape (which request comes first, what
    happens to it) does not depend on the weekday the demo is generated on; only the
    instants do. The mapping is strictly decreasing and never later than `now`.
    """

    def __init__(self, *, now: datetime, days: int) -> None:
        self.now = now
        zone = timezone.get_default_timezone()
        local_now = now.astimezone(zone)
        self.windows: list[tuple[datetime, datetime]] = []  # newest first
        for back in range(days + 1):
            day = local_now.date() - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            start = datetime.combine(day, OPENS, tzinfo=zone)
            end = min(datetime.combine(day, CLOSES, tzinfo=zone), local_now)
            if end > start:
                self.windows.append((start, end))
        self.span = sum(_minutes(start, end) for start, end in self.windows)

    def at(self, minutes_ago: float) -> datetime:
        """The instant that lies `minutes_ago` working minutes before now (clamped to the span)."""
        remaining = max(minutes_ago, 0.0)
        for start, end in self.windows:
            length = _minutes(start, end)
            if remaining <= length:
                moment = end - timedelta(seconds=round(remaining * 60))
                return moment.astimezone(UTC)
            remaining -= length
        return self.windows[-1][0].astimezone(UTC)

    def minutes_ago(self, moment: datetime) -> float:
        """The working minutes between `moment` and now (the inverse of `at` in the span)."""
        total = 0.0
        for start, end in self.windows:
            if moment >= end:
                return total
            total += _minutes(max(start, moment), end)
        return total


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60

"""Turning a stored BusinessCalendar into a CalendarSpec, with a per-process LRU cache.

The cache key is (calendar id, updated_at, years): every service that changes a calendar,
its intervals or its closures bumps `updated_at` in the same transaction, so a process that
reads the calendar row afterwards builds a fresh spec, and stale entries simply age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime

from staffdesk.sla.businesstime import CalendarSpec
from staffdesk.sla.models import BusinessCalendar
from staffdesk.sla.regions import public_holidays

# Without an explicit range, public holidays of these years are included (~1,300 dates
# for US-PA, built in ~80 ms once per calendar version and process).
DEFAULT_YEARS = range(2000, 2101)
CACHE_SIZE = 256

_cache: OrderedDict[tuple[int, datetime, range], CalendarSpec] = OrderedDict()
_lock = threading.Lock()


def calendar_spec(calendar: BusinessCalendar, *, years: range | None = None) -> CalendarSpec:
    """The calendar's spec with the public holidays of `years` (default DEFAULT_YEARS)."""
    years = DEFAULT_YEARS if years is None else years
    if calendar.pk is None:
        return build_spec(calendar, years=years)
    key = (calendar.pk, calendar.updated_at, years)
    with _lock:
        spec = _cache.get(key)
        if spec is not None:
            _cache.move_to_end(key)
            return spec
    spec = build_spec(calendar, years=years)
    with _lock:
        _cache[key] = spec
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


def calendar_spec_cache_clear() -> None:
    with _lock:
        _cache.clear()


def build_spec(calendar: BusinessCalendar, *, years: range) -> CalendarSpec:
    """Read the calendar's intervals and closures (2 queries) and its public holidays."""
    weekly: list[list[tuple]] = [[] for _ in range(7)]
    if calendar.pk is not None:
        for interval in sorted(calendar.intervals.all(), key=lambda i: (i.weekday, i.start)):
            weekly[interval.weekday].append((interval.start, interval.end))
    return CalendarSpec(
        time_zone=calendar.time_zone,
        always_open=calendar.always_open,
        weekly=tuple(tuple(day) for day in weekly),
        holidays=frozenset(closed_days(calendar, years=years)),
    )


def closed_days(calendar: BusinessCalendar, *, years: range) -> dict[date, str]:
    """{date: name} of the public holidays of `years` and all of the calendar's closures."""
    days = public_holidays(calendar.holiday_country, calendar.holiday_subdivision, years)
    if calendar.pk is not None:
        days.update({closure.date: closure.name for closure in calendar.closures.all()})
    return days

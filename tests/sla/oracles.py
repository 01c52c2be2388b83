"""Two independent oracles for business-time arithmetic.

- A brute-force one: the definition itself, applied to every 15-minute step. It is exact
  when every interval boundary, start and duration is on the 15-minute grid (UTC offsets
  and DST transitions of the zones used here are too).
- django-bizcal, a published library: its WorkingCalendar queried with UTC datetimes. It
  reads wall-clock boundaries with `fold=0`, so it agrees with ours only where every
  boundary on the days involved exists exactly once (see `boundaries_well_defined`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django_bizcal import WorkingCalendar
from django_bizcal.providers import SetHolidayProvider

from staffdesk.sla.businesstime import CalendarSpec

STEP = timedelta(minutes=15)
MIDNIGHT = time(0)


def is_business_instant(moment: datetime, spec: CalendarSpec) -> bool:
    """Does the wall clock at `moment` show a working time of an open local day?"""
    local = moment.astimezone(ZoneInfo(spec.time_zone))
    if local.date() in spec.holidays:
        return False
    if spec.always_open:
        return True
    wall = local.time().replace(tzinfo=None, fold=0)
    return any(
        start <= wall and (end == MIDNIGHT or wall < end)
        for start, end in spec.weekly[local.weekday()]
    )


def brute_between(a: datetime, b: datetime, spec: CalendarSpec) -> timedelta:
    total, moment = timedelta(0), a.astimezone(UTC)
    while moment < b:
        if is_business_instant(moment, spec):
            total += STEP
        moment += STEP
    return total


def brute_add(start: datetime, duration: timedelta, spec: CalendarSpec) -> datetime | None:
    """Step a quarter of an hour at a time; None when the answer lies beyond 400 days."""
    moment, left = start.astimezone(UTC), duration
    for _ in range(400 * 96):
        if left == timedelta(0):
            return moment
        if is_business_instant(moment, spec):
            left -= STEP
        moment += STEP
    return None


def bizcal_calendar(spec: CalendarSpec) -> WorkingCalendar:
    if spec.always_open:
        weekly = {day: [(MIDNIGHT, MIDNIGHT, 1)] for day in range(7)}
    else:
        weekly = {
            day: [(s, e, 1) if e == MIDNIGHT else (s, e) for s, e in intervals]
            for day, intervals in enumerate(spec.weekly)
        }
    return WorkingCalendar(
        tz=spec.time_zone,
        weekly_schedule=weekly,
        holiday_provider=SetHolidayProvider.from_dates(spec.holidays),
    )


def bizcal_add(calendar: WorkingCalendar, start: datetime, duration: timedelta) -> datetime:
    return calendar.add_business_time(start.astimezone(UTC), duration)


def bizcal_between(calendar: WorkingCalendar, a: datetime, b: datetime) -> timedelta:
    windows = calendar.business_windows_for_range(a.astimezone(UTC), b.astimezone(UTC), tz=UTC)
    return sum((window.duration() for window in windows), timedelta(0))


def _exists_once(zone: ZoneInfo, moment: datetime) -> bool:
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return False  # repeated by a fall-back
    return first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment  # else skipped


def boundaries_well_defined(spec: CalendarSpec, first: date, last: date) -> bool:
    """Every interval boundary from `first` to `last` exists exactly once on the wall clock."""
    zone = ZoneInfo(spec.time_zone)
    day = first
    while day <= last:
        intervals = ((MIDNIGHT, MIDNIGHT),) if spec.always_open else spec.weekly[day.weekday()]
        for start, end in intervals:
            finish = datetime.combine(day + timedelta(days=1), MIDNIGHT)
            if end != MIDNIGHT:
                finish = datetime.combine(day, end)
            if not (
                _exists_once(zone, datetime.combine(day, start)) and _exists_once(zone, finish)
            ):
                return False
        day += timedelta(days=1)
    return True

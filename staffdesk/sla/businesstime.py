"""Business-time arithmetic: pure functions of a calendar's weekly hours, closed days and zone.

The one definition everything follows:

- An instant is *business time* when the calendar's wall clock at that instant shows a time
  inside one of that local day's working intervals (half-open, ``[start, end)``; an end of
  00:00 means midnight at the end of the day) and that local day is not closed (public
  holiday or closure). ``always_open`` means the whole of every day that is not closed.
- ``business_time_between(a, b)`` is the real elapsed time of the business instants in
  ``[a, b)`` (zero when ``b <= a``). Across DST this means: a spring-forward day's
  08:00-18:00 still runs from 08:00 to 18:00 local (10 real hours when the jump happens
  outside it); an interval inside the skipped hour has no time and one straddling it is
  shortened; a repeated fall-back hour inside an interval counts twice, as it really elapses.
- ``add_business_time(s, d)`` is the earliest instant ``t >= s`` with
  ``business_time_between(s, t) == d``. Hence a zero duration returns ``s`` itself, even
  outside business hours; a positive duration is counted from the next business instant;
  and a duration used up exactly at closing returns the closing instant (e.g. 18:00), not
  the next opening. It follows that ``add(add(s, a), b) == add(s, a + b)`` for every start
  and all non-negative ``a`` and ``b``, and ``between(s, add(s, d)) == d``.

Durations are exact to the microsecond (integer arithmetic). The cost is O(days spanned),
with whole weeks that contain no closed day and no offset change skipped in one step.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from staffdesk.sla.offsets import DAY, ONE_MICROSECOND, from_micros, segment, to_micros

WEEK = 7 * DAY
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # a Thursday: weekday of day n is (n + 3) % 7
_NO_LIMIT = 1 << 62  # further than any datetime can be, in microseconds
_WHOLE_DAY = ((0, DAY),)


def _time_micros(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


@dataclass(frozen=True)
class CalendarSpec:
    """Everything business-time arithmetic needs to know about a calendar; immutable, hashable."""

    time_zone: str  # IANA name
    always_open: bool = False
    # 7 entries, Monday first; each a sorted tuple of non-overlapping (start, end) local times.
    weekly: tuple[tuple[tuple[time, time], ...], ...] = ()
    # Closed local dates: public holidays and closures (possibly only for a range of years).
    holidays: frozenset[date] = frozenset()

    # Derived in __post_init__: microseconds of the local day per weekday, closed day numbers.
    _hours: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _week_total: int = field(init=False, repr=False, compare=False)
    _closed: frozenset[int] = field(init=False, repr=False, compare=False)
    _closed_sorted: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ValueError, KeyError) as error:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from error
        if self.weekly and len(self.weekly) != 7:
            raise ValueError("weekly needs 7 entries, Monday first (or none)")
        hours = tuple(_day_hours(day) for day in self.weekly) or ((),) * 7
        if self.always_open:
            hours = (_WHOLE_DAY,) * 7
        closed = sorted(day.toordinal() - _EPOCH_ORDINAL for day in self.holidays)
        object.__setattr__(self, "_hours", hours)
        object.__setattr__(self, "_week_total", sum(b - a for day in hours for a, b in day))
        object.__setattr__(self, "_closed", frozenset(closed))
        object.__setattr__(self, "_closed_sorted", tuple(closed))

    def is_closed_day(self, day: date) -> bool:
        """No business time at all on this local date (holiday, closure, or no hours that weekday)."""
        return day in self.holidays or not self._hours[day.weekday()]

    def _closed_within(self, first_day: int, end_day: int) -> bool:
        index = bisect_left(self._closed_sorted, first_day)
        return index < len(self._closed_sorted) and self._closed_sorted[index] < end_day


def _day_hours(intervals: tuple[tuple[time, time], ...]) -> tuple[tuple[int, int], ...]:
    result: list[tuple[int, int]] = []
    for start, end in intervals:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working intervals are local wall-clock times without a zone")
        begin = _time_micros(start)
        finish = DAY if end == time(0) else _time_micros(end)
        if finish <= begin:
            raise ValueError(f"interval {start}-{end} ends before it starts")
        if result and begin < result[-1][1]:
            raise ValueError(f"interval {start}-{end} overlaps or is out of order")
        result.append((begin, finish))
    return tuple(result)


def add_business_time(start: datetime, duration: timedelta, calendar: CalendarSpec) -> datetime:
    """The earliest instant (UTC) by which `duration` of business time has elapsed since `start`."""
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    origin = to_micros(start)
    budget = duration // ONE_MICROSECOND
    if budget == 0:
        return from_micros(origin)
    if calendar._week_total == 0:
        raise ValueError("the calendar has no working hours, so business time never elapses")
    if calendar.always_open and not calendar.holidays:
        return from_micros(origin + budget)
    position, _ = _walk(calendar, origin, budget, _NO_LIMIT)
    return from_micros(position)


def business_time_between(a: datetime, b: datetime, calendar: CalendarSpec) -> timedelta:
    """Business time elapsed in [a, b); zero when b <= a."""
    start, end = to_micros(a), to_micros(b)
    if end <= start or calendar._week_total == 0:
        return timedelta(0)
    if calendar.always_open and not calendar.holidays:
        return timedelta(microseconds=end - start)
    _, consumed = _walk(calendar, start, _NO_LIMIT, end)
    return timedelta(microseconds=consumed)


def _walk(calendar: CalendarSpec, start: int, budget: int, limit: int) -> tuple[int, int]:
    """Advance from `start` (UTC µs) until `budget` business µs are used or `limit` is reached.

    Returns (position, consumed). Walks stretches of constant UTC offset in time order, and
    within each the local days it covers; so a fall-back that repeats wall-clock times (even
    across midnight) revisits them, and a spring-forward gap is never counted.
    """
    hours, closed, week_total = calendar._hours, calendar._closed, calendar._week_total
    left = budget
    position = start
    while position < limit:
        _, stretch_end, offset = segment(calendar.time_zone, position)
        stop = min(stretch_end, limit)
        local, local_stop = position + offset, stop + offset
        day = local // DAY
        day_start = day * DAY
        while day_start < local_stop:
            if (
                left > week_total
                and local <= day_start
                and day_start + WEEK <= local_stop
                and not calendar._closed_within(day, day + 7)
            ):
                left -= week_total  # any 7 whole open days hold exactly one week's hours
                day += 7
                day_start += WEEK
                continue
            if day not in closed:
                for begin, end in hours[(day + 3) % 7]:
                    low = max(day_start + begin, local)
                    high = min(day_start + end, local_stop)
                    if low < high:
                        if left <= high - low:
                            return low + left - offset, budget
                        left -= high - low
            day += 1
            day_start += DAY
        position = stop
    return limit, budget - left

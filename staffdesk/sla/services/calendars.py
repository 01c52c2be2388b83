"""Writes to business calendars: creation, weekly hours, closures.

Any change to a calendar, its intervals or its closures bumps the calendar's `updated_at`
in the same transaction, which is what invalidates the cached CalendarSpec (calendars.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import ValidationFailed
from staffdesk.sla.models import BusinessCalendar, Closure, Weekday, WorkingInterval
from staffdesk.sla.regions import holiday_region_errors, time_zone_error

_MIDNIGHT = time(0)


def _touch(calendar: BusinessCalendar, now: datetime | None) -> None:
    calendar.updated_at = clock.resolve(now)
    calendar.save(update_fields=["updated_at"])


@transaction.atomic
def calendar_create(
    *,
    name: str,
    time_zone: str,
    always_open: bool = False,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    intervals: Sequence[tuple[int, time, time]] = (),
    now: datetime | None = None,
) -> BusinessCalendar:
    """A calendar with its weekly (weekday, start, end) intervals; Monday is 0."""
    name, country = name.strip(), holiday_country.strip().upper()
    subdivision = holiday_subdivision.strip().upper()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["must not be empty"]
    elif BusinessCalendar.objects.filter(name=name).exists():
        errors["name"] = [f"a calendar named {name!r} already exists"]
    if message := time_zone_error(time_zone):
        errors["time_zone"] = [message]
    errors.update(holiday_region_errors(country, subdivision))
    if errors:
        raise ValidationFailed("The calendar is not valid.", errors=errors)
    moment = clock.resolve(now)
    calendar = BusinessCalendar.objects.create(
        name=name,
        time_zone=time_zone,
        always_open=always_open,
        holiday_country=country,
        holiday_subdivision=subdivision,
        created_at=moment,
        updated_at=moment,
    )
    if intervals:
        working_intervals_set(calendar=calendar, intervals=intervals, now=moment)
    return calendar


def working_interval_problems(intervals: Sequence[tuple[int, time, time]]) -> list[str]:
    """What is wrong with a week's (weekday, start, end) intervals; empty when they are fine."""
    problems: list[str] = []
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in intervals:
        if weekday not in Weekday.values:
            problems.append(f"weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
            continue
        if end <= start and end != _MIDNIGHT:
            problems.append(
                f"{Weekday(weekday).label} {start:%H:%M}-{end:%H:%M} ends before it starts"
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, day in sorted(by_day.items()):
        day.sort()
        for (start, end), (next_start, next_end) in itertools.pairwise(day):
            if end == _MIDNIGHT or next_start < end:
                problems.append(
                    f"{Weekday(weekday).label} {start:%H:%M}-{end:%H:%M} overlaps "
                    f"{next_start:%H:%M}-{next_end:%H:%M}"
                )
    return problems


@transaction.atomic
def working_intervals_set(
    *,
    calendar: BusinessCalendar,
    intervals: Sequence[tuple[int, time, time]],
    now: datetime | None = None,
) -> list[WorkingInterval]:
    """Replace the calendar's weekly hours. Several intervals a day are fine; overlaps are not.

    An end of 00:00 means midnight at the end of the day; intervals that touch are allowed.
    """
    problems = working_interval_problems(intervals)
    if problems:
        raise ValidationFailed("The working hours are not valid.", errors={"intervals": problems})
    BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
    calendar.intervals.all().delete()
    created = WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=calendar, weekday=weekday, start=start, end=end)
        for weekday, start, end in sorted(intervals)
    )
    _touch(calendar, now)
    return created


@transaction.atomic
def working_hours_copy(
    *,
    calendar: BusinessCalendar,
    from_weekday: int,
    to_weekdays: Sequence[int],
    now: datetime | None = None,
) -> list[WorkingInterval]:
    """Give `to_weekdays` the hours of `from_weekday` (none if it has none), e.g. Monday's
    hours to Tuesday to Friday; the other days keep theirs."""
    targets = set(to_weekdays) - {from_weekday}
    current = [
        (interval.weekday, interval.start, interval.end) for interval in calendar.intervals.all()
    ]
    source = [(start, end) for weekday, start, end in current if weekday == from_weekday]
    kept = [row for row in current if row[0] not in targets]
    copied = [(weekday, start, end) for weekday in sorted(targets) for start, end in source]
    return working_intervals_set(calendar=calendar, intervals=kept + copied, now=now)


@transaction.atomic
def closure_add(
    *, calendar: BusinessCalendar, day: date, name: str, now: datetime | None = None
) -> Closure:
    """Close the organization on `day` (on top of public holidays)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Name the closure.", errors={"name": ["must not be empty"]})
    if calendar.closures.filter(date=day).exists():
        raise ValidationFailed(
            "That day is already closed.", errors={"date": [f"{day:%Y-%m-%d} is already a closure"]}
        )
    closure = Closure.objects.create(calendar=calendar, date=day, name=name)
    _touch(calendar, now)
    return closure


@transaction.atomic
def closure_remove(*, calendar: BusinessCalendar, day: date, now: datetime | None = None) -> None:
    calendar.closures.filter(date=day).delete()
    _touch(calendar, now)

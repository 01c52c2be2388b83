"""Whose business time a survey's delay and a suggestion's response target count in.

A department's calendar is, in order: its own suggestion target's calendar (the admin's
`ResponseTarget`), the calendar of its department-wide agreement in force (or the
organization default agreement's), and without any of them the organization's working
week: Monday to Friday, 9:00 to 17:00 in its time zone (`TIME_ZONE`), no holidays. A
request's survey counts in its own agreement's calendar when it has one.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from staffdesk.feedback.models import ResponseTarget
from staffdesk.requests.models import Request
from staffdesk.sla.businesstime import CalendarSpec, add_business_time
from staffdesk.sla.calendars import calendar_spec
from staffdesk.sla.selectors import agreement_applicable

_WORKDAY = ((time(9), time(17)),)


def organization_week() -> CalendarSpec:
    return CalendarSpec(
        time_zone=settings.TIME_ZONE,
        always_open=False,
        weekly=(*[_WORKDAY] * 5, (), ()),
        holidays=frozenset(),
    )


def department_calendar(department_id: int, *, now: datetime) -> CalendarSpec:
    target = (
        ResponseTarget.objects.filter(department_id=department_id, calendar__isnull=False)
        .select_related("calendar")
        .first()
    )
    if target is not None and target.calendar is not None:
        return calendar_spec(target.calendar)
    agreement = agreement_applicable(
        provider_department_id=department_id,
        customer_department_id=None,
        on=now.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
        service_agreement_id=None,
    )
    if agreement is not None:
        return calendar_spec(agreement.calendar)
    return organization_week()


def request_calendar(request: Request, *, now: datetime) -> CalendarSpec:
    """The request's agreement's calendar, else its department's."""
    agreement = request.sla_agreement
    if agreement is not None:
        return calendar_spec(agreement.calendar)
    return department_calendar(request.department_id, now=now)


def business_days_later(start: datetime, days: int, calendar: CalendarSpec) -> datetime:
    """The close of business of the `days`-th business day after `start`'s local day (a
    suggestion made on Monday with a 10-day target is due at the end of the Monday two weeks
    on, holidays and closed days not counted)."""
    zone = ZoneInfo(calendar.time_zone)
    day = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if not calendar.is_closed_day(day):
            counted += 1
    hours = calendar.weekly[day.weekday()] if calendar.weekly and not calendar.always_open else ()
    close = hours[-1][1] if hours else time(0)
    local = datetime.combine(day + timedelta(days=0 if hours else 1), close, tzinfo=zone)
    return local.astimezone(UTC)


def business_minutes_later(start: datetime, minutes: int, calendar: CalendarSpec) -> datetime:
    return add_business_time(start, timedelta(minutes=minutes), calendar)

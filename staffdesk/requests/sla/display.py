"""The SLA clocks of one request as people read them: state, due time, time left, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from staffdesk.requests.models import Request
from staffdesk.requests.sla.clocks import BEFORE_TARGET, ZERO, ClockState
from staffdesk.requests.sla.store import calendar_for
from staffdesk.sla.businesstime import CalendarSpec, business_time_between

# The clocks whose time left is worth showing: still counting towards (or past) the target.
COUNTING = (*BEFORE_TARGET, ClockState.BREACHED)


@dataclass(frozen=True)
class ClockView:
    name: str
    state: ClockState
    state_label: str
    due_at: datetime | None
    remaining_seconds: int | None  # business seconds until due (negative once past)
    remaining_text: str


@dataclass(frozen=True)
class SlaView:
    agreement: str
    response: ClockView
    resolution: ClockView
    explanation: list[str]

    @property
    def clocks(self) -> tuple[ClockView, ClockView]:
        return (self.response, self.resolution)


def format_duration(duration: timedelta) -> str:
    """'2 h 10 min', '45 min', '3 d 1 h' (business days are not assumed: hours count)."""
    minutes = int(abs(duration).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    text = (
        f"{hours} h {minutes} min"
        if hours and minutes
        else f"{hours} h"
        if hours
        else f"{minutes} min"
    )
    return f"-{text}" if duration < ZERO else text


def explain(
    *, opened_at: datetime, paused: timedelta, calendar: CalendarSpec, until: datetime
) -> list[str]:
    """Why the clocks read what they read, in words people check against the calendar."""
    notes: list[str] = []
    if paused > ZERO:
        notes.append(f"paused {format_duration(paused)} waiting on requester")
    if calendar.always_open:
        notes.append("counted around the clock (24x7)")
        return notes
    skipped = _holidays_between(calendar, opened_at, until)
    if skipped:
        days = ", ".join(day.strftime("%-d %b") for day in skipped[:5])
        more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        notes.append(f"holiday{'s' if len(skipped) > 1 else ''} on {days}{more} skipped")
    notes.append(f"business hours in {calendar.time_zone}")
    return notes


def _holidays_between(calendar: CalendarSpec, start: datetime, end: datetime) -> list[date]:
    """The holidays and closures from `start` to `end` that fall on a working weekday."""
    zone = ZoneInfo(calendar.time_zone)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return sorted(
        day
        for day in calendar.holidays
        if first <= day <= last and calendar.weekly and calendar.weekly[day.weekday()]
    )


def _clock(
    name: str, state: ClockState, due_at: datetime | None, calendar: CalendarSpec, now: datetime
) -> ClockView:
    remaining: timedelta | None = None
    if due_at is not None and state in COUNTING:
        remaining = (
            business_time_between(now, due_at, calendar)
            if due_at >= now
            else -business_time_between(due_at, now, calendar)
        )
    text = ""
    if remaining is not None:
        text = (
            f"{format_duration(remaining)} left"
            if remaining.total_seconds() >= 0
            else f"{format_duration(-remaining)} over"
        )
    return ClockView(
        name,
        state,
        state.label,
        due_at,
        int(remaining.total_seconds()) if remaining is not None else None,
        text,
    )


def sla_view(request: Request, *, now: datetime) -> SlaView | None:
    """From the stored fields and the (cached) calendar: no timeline query."""
    agreement = request.sla_agreement
    if agreement is None or not request.response_state:
        return None
    calendar = calendar_for(agreement, request, now=now)
    end = request.resolved_at or request.closed_at or now
    paused = timedelta(seconds=request.sla_paused_seconds)
    if request.resolution_state == ClockState.PAUSED and request.sla_settled_at is not None:
        paused += business_time_between(request.sla_settled_at, now, calendar)
    notes = explain(opened_at=request.created_at, paused=paused, calendar=calendar, until=end)
    return SlaView(
        agreement=agreement.name,
        response=_clock(
            "First response",
            ClockState(request.response_state),
            request.response_due_at,
            calendar,
            now,
        ),
        resolution=_clock(
            "Resolution",
            ClockState(request.resolution_state),
            request.resolution_due_at,
            calendar,
            now,
        ),
        explanation=notes,
    )

"""The SLA clocks of one request as people read them: state, due time, time left, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from staffdesk.requests.models import Request
from staffdesk.requests.sla.clocks import explain, format_duration
from staffdesk.sla.businesstime import CalendarSpec, business_time_between

STATE_LABELS = {
    "running": "Running",
    "at_risk": "At risk",
    "paused": "Paused",
    "met": "Met",
    "breached": "Breached",
    "stopped": "Stopped",
}


@dataclass(frozen=True)
class ClockView:
    name: str
    state: str
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


def _clock(
    name: str, state: str, due_at: datetime | None, calendar: CalendarSpec, now: datetime
) -> ClockView:
    remaining: timedelta | None = None
    if due_at is not None and state in ("running", "at_risk", "breached"):
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
        STATE_LABELS.get(state, state),
        due_at,
        int(remaining.total_seconds()) if remaining is not None else None,
        text,
    )


def sla_view(request: Request, *, now: datetime) -> SlaView | None:
    """From the stored fields and the (cached) calendar: no timeline query."""
    agreement = request.sla_agreement
    if agreement is None or not request.response_state:
        return None
    calendar = agreement.calendar.spec(
        years=range(request.created_at.year - 1, max(now.year, request.created_at.year) + 3)
    )
    end = request.resolved_at or request.closed_at or now
    paused = timedelta(seconds=request.sla_paused_seconds)
    if request.resolution_state == "paused" and request.sla_settled_at is not None:
        paused += business_time_between(request.sla_settled_at, now, calendar)
    notes = explain(opened_at=request.created_at, paused=paused, calendar=calendar, until=end)
    return SlaView(
        agreement=agreement.name,
        response=_clock(
            "First response", request.response_state, request.response_due_at, calendar, now
        ),
        resolution=_clock(
            "Resolution", request.resolution_state, request.resolution_due_at, calendar, now
        ),
        explanation=notes,
    )

"""SLA clocks as a pure function of the timeline (calendar: Mon-Fri 08:00-18:00, New York)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from staffdesk.requests.sla.clocks import ClockState, Rules, Step, Targets, _between, sla_state
from staffdesk.requests.sla.display import explain
from staffdesk.sla.businesstime import CalendarSpec, business_time_between

NY = ZoneInfo("America/New_York")
DAY = ((time(8), time(18)),)
OFFICE = CalendarSpec(time_zone="America/New_York", weekly=(DAY,) * 5 + ((), ()))
RULES = Rules()
MONDAY_5PM = datetime(2026, 11, 16, 17, 0, tzinfo=NY)  # a Monday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def state(
    steps, *, now, response=timedelta(hours=4), resolution=timedelta(hours=20), opened=MONDAY_5PM
):
    return sla_state(
        opened_at=opened,
        steps=steps,
        targets=Targets(response, resolution),
        rules=RULES,
        calendar=OFFICE,
        now=now,
    )


def test_four_hour_response_opened_monday_5pm_is_due_tuesday_11am():
    sla = state([], now=at(16, 17, 30))
    assert sla.response.state == ClockState.RUNNING
    assert sla.response.due_at == at(17, 11)
    # 75 % of 4 h is 3 h: Monday 17:00-18:00 plus Tuesday 08:00-10:00.
    assert sla.response.next_check_at == at(17, 10)
    assert state([], now=at(17, 10)).response.state == ClockState.AT_RISK
    assert state([], now=at(17, 11)).response.state == ClockState.BREACHED


def test_first_response_by_the_team_meets_the_clock():
    steps = [Step(at=at(17, 9), first_response=True)]
    sla = state(steps, now=at(18, 12))
    assert sla.response.state == ClockState.MET
    assert sla.response.elapsed == timedelta(hours=2)
    late = state([Step(at=at(17, 12), first_response=True)], now=at(18, 12))
    assert late.response.state == ClockState.BREACHED


def test_waiting_on_requester_pauses_resolution_and_pushes_the_due_time():
    baseline = state([], now=at(17, 9))
    steps = [
        Step(at=at(17, 9), to_status="waiting_on_requester", first_response=True),
        Step(at=at(17, 12), to_status="in_progress"),
    ]
    paused = state(steps, now=at(17, 13))
    # 20 h from Monday 17:00 ends Wednesday 17:00; three paused business hours on Tuesday
    # push it three business hours on: Wednesday 17-18 and Thursday 08-10.
    assert baseline.resolution.due_at == at(18, 17)
    assert paused.resolution.due_at == at(19, 10)
    assert paused.paused == timedelta(hours=3)
    assert paused.settled_paused == timedelta(hours=3)
    notes = explain(opened_at=MONDAY_5PM, paused=paused.paused, calendar=OFFICE, until=at(17, 13))
    assert "paused 3 h waiting on requester" in notes
    while_waiting = state(steps[:1], now=at(17, 11))
    assert while_waiting.resolution.state == ClockState.PAUSED
    assert while_waiting.resolution.next_check_at is None


def test_resolve_stops_and_reopen_resumes_where_it_stopped():
    steps = [Step(at=at(17, 10), to_status="resolved", first_response=True)]
    resolved = state(steps, now=at(19, 10))
    assert resolved.resolution.state == ClockState.MET
    assert resolved.resolution.elapsed == timedelta(hours=3)
    reopened = state([*steps, Step(at=at(19, 10), to_status="in_progress")], now=at(19, 12))
    assert reopened.resolution.state == ClockState.RUNNING
    assert reopened.resolution.elapsed == timedelta(hours=5)
    assert reopened.resolution.due_at == at(20, 17)  # 15 h left from Thursday 12:00


def test_breach_is_dated_when_the_target_was_crossed():
    sla = state([], now=at(25, 9), resolution=timedelta(hours=20))
    assert sla.resolution.state == ClockState.BREACHED
    # Mon 17-18 (1 h) + Tue 10 h + Wed 9 h = 20 h: crossed Wednesday 17:00.
    assert sla.resolution.due_at == at(18, 17)


@pytest.mark.parametrize("hours_later", [0, 1, 5, 30])
def test_settled_values_do_not_move_with_now(hours_later):
    steps = [Step(at=at(17, 9), to_status="acknowledged", first_response=True)]
    base = state(steps, now=at(17, 9))
    later = state(steps, now=at(17, 9) + timedelta(hours=hours_later))
    assert later.settled_elapsed == base.settled_elapsed
    if later.resolution.state != ClockState.BREACHED:
        assert later.resolution.due_at == base.resolution.due_at


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2024, 1, 3, 9, tzinfo=NY), datetime(2026, 11, 23, 0, tzinfo=NY)),  # years
        (datetime(2026, 3, 1, 12, tzinfo=NY), datetime(2026, 11, 5, 7, 30, tzinfo=NY)),  # 2 DST
        (datetime(2026, 11, 16, 17, tzinfo=NY), datetime(2026, 11, 17, 11, tzinfo=NY)),  # a day
        (datetime(2026, 11, 17, 11, tzinfo=NY), datetime(2026, 11, 16, 17, tzinfo=NY)),  # reversed
    ],
)
def test_long_spans_counted_by_pieces_match_the_walk(start, end):
    holidays = frozenset({date(2025, 12, 25), date(2026, 7, 3), date(2026, 11, 26)})
    calendar = CalendarSpec(time_zone="America/New_York", weekly=OFFICE.weekly, holidays=holidays)
    for spec in (OFFICE, calendar):
        assert _between(start, end, spec) == business_time_between(start, end, spec)

"""Properties of business-time arithmetic over random calendars, starts and durations.

Each holds for every start (inside or outside business hours) and all non-negative
durations, because `add(s, d)` is defined as the earliest t >= s with between(s, t) == d
(so add(s, 0) == s). Values are exact to the microsecond.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from hypothesis import given
from hypothesis import strategies as st

from staffdesk.sla.businesstime import add_business_time as add
from staffdesk.sla.businesstime import business_time_between as between
from tests.sla.strategies import calendars, durations, starts

ONE_MICROSECOND = timedelta(microseconds=1)


@given(calendars(grid=1), starts(), durations())
def test_between_start_and_added_is_the_duration(spec, start, duration):
    assert between(start, add(start, duration, spec), spec) == duration


@given(calendars(grid=1), starts(), durations())
def test_added_instant_is_the_earliest(spec, start, duration):
    due = add(start, duration, spec)
    assert due.tzinfo is UTC
    assert due >= start + min(duration, timedelta(0)) and due - start >= duration
    if duration:
        assert between(start, due - ONE_MICROSECOND, spec) < duration


@given(calendars(grid=1), starts(), durations(max_hours=60), durations(max_hours=60))
def test_adding_a_then_b_is_adding_a_plus_b(spec, start, a, b):
    assert add(add(start, a, spec), b, spec) == add(start, a + b, spec)


@given(calendars(grid=1), starts(), durations(), durations())
def test_monotonic_in_duration(spec, start, d1, d2):
    d1, d2 = sorted((d1, d2))
    assert add(start, d1, spec) <= add(start, d2, spec)


@given(calendars(grid=1), starts(), starts(), durations())
def test_monotonic_in_start(spec, s1, s2, duration):
    s1, s2 = sorted((s1, s2))
    assert add(s1, duration, spec) <= add(s2, duration, spec)


@given(calendars(grid=1), st.lists(starts(), min_size=3, max_size=3))
def test_between_is_additive(spec, instants):
    a, b, c = sorted(instants)
    assert between(a, b, spec) + between(b, c, spec) == between(a, c, spec)
    assert timedelta(0) <= between(a, c, spec) <= c - a
    assert between(c, a, spec) == timedelta(0) or a == c

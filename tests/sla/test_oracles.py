"""Differential tests: our arithmetic against two independent oracles over random calendars."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given

from staffdesk.sla.businesstime import add_business_time, business_time_between
from tests.sla.oracles import (
    bizcal_add,
    bizcal_between,
    bizcal_calendar,
    boundaries_well_defined,
    brute_add,
    brute_between,
)
from tests.sla.strategies import calendars, durations, starts


@given(calendars(grid=15), starts(grid=15), durations(grid=15, max_hours=40))
def test_add_matches_brute_force(spec, start, duration):
    expected = brute_add(start, duration, spec)
    # A calendar open a few minutes a week can put the due time beyond the oracle's reach.
    assume(expected is not None)
    assert add_business_time(start, duration, spec) == expected


@given(calendars(grid=15), starts(grid=15), durations(grid=15, max_hours=24 * 9))
def test_between_matches_brute_force(spec, start, span):
    end = start + span
    assert business_time_between(start, end, spec) == brute_between(start, end, spec)


def _local_days(spec, first, last):
    zone = ZoneInfo(spec.time_zone)
    return first.astimezone(zone).date() - timedelta(days=1), last.astimezone(zone).date()


@given(calendars(grid=1), starts(), durations(max_hours=200))
def test_add_matches_django_bizcal(spec, start, duration):
    assume(duration > timedelta(0))  # bizcal moves a zero duration to the next opening
    due = add_business_time(start, duration, spec)
    assume(boundaries_well_defined(spec, *_local_days(spec, start, due)))
    assert due == bizcal_add(bizcal_calendar(spec), start, duration)


@given(calendars(grid=1), starts(), durations(max_hours=24 * 40))
def test_between_matches_django_bizcal(spec, start, span):
    end = start + span
    assume(boundaries_well_defined(spec, *_local_days(spec, start, end)))
    expected = bizcal_between(bizcal_calendar(spec), start, end)
    assert business_time_between(start, end, spec) == expected

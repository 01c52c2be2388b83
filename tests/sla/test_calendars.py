"""Stored calendars: services, constraints, the spec they produce and its cache, and the admin."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from staffdesk.core.errors import ValidationFailed
from staffdesk.sla.businesstime import add_business_time
from staffdesk.sla.calendars import DEFAULT_YEARS, calendar_spec, calendar_spec_cache_clear
from staffdesk.sla.models import BusinessCalendar, WorkingInterval
from staffdesk.sla.services import (
    calendar_create,
    closure_add,
    closure_remove,
    working_intervals_set,
)

NY = ZoneInfo("America/New_York")
OFFICE_HOURS = [(day, time(8), time(18)) for day in range(5)]
T0 = datetime(2026, 1, 5, 12, tzinfo=NY)


@pytest.fixture(autouse=True)
def _fresh_spec_cache():
    calendar_spec_cache_clear()
    yield
    calendar_spec_cache_clear()


@pytest.fixture
def office(db) -> BusinessCalendar:
    return calendar_create(
        name="City offices",
        time_zone="America/New_York",
        holiday_country="us",
        holiday_subdivision="pa",
        intervals=OFFICE_HOURS,
        now=T0,
    )


def test_spec_has_hours_public_holidays_and_closures(office):
    closure_add(calendar=office, day=date(2026, 12, 24), name="Christmas Eve", now=T0)
    spec = calendar_spec(office, years=range(2026, 2027))
    assert spec.time_zone == "America/New_York" and not spec.always_open
    assert spec.weekly[0] == ((time(8), time(18)),) and spec.weekly[5] == ()
    assert {date(2026, 9, 7), date(2026, 12, 25), date(2026, 12, 24)} <= spec.holidays
    assert date(2027, 9, 6) not in spec.holidays  # Labor Day 2027 is outside the years asked
    labor_day_eve = datetime(2026, 9, 4, 17, tzinfo=NY)
    assert add_business_time(labor_day_eve, timedelta(hours=4), spec) == datetime(
        2026, 9, 8, 11, tzinfo=NY
    )


def test_default_years_cover_this_century(office):
    spec = calendar_spec(office)
    assert DEFAULT_YEARS.start == 2000 and DEFAULT_YEARS.stop == 2101
    assert date(2000, 12, 25) in spec.holidays and date(2100, 12, 25) in spec.holidays


def test_spec_is_cached_per_version_and_rebuilt_after_a_change(office, django_assert_num_queries):
    years = range(2026, 2028)
    first = calendar_spec(office, years=years)
    with django_assert_num_queries(0):
        assert calendar_spec(office, years=years) is first
    working_intervals_set(
        calendar=office, intervals=[(0, time(9), time(17))], now=T0 + timedelta(minutes=1)
    )
    office.refresh_from_db()
    second = calendar_spec(office, years=years)
    assert second is not first and second.weekly[0] == ((time(9), time(17)),)
    assert second.weekly[1] == ()
    closure_add(calendar=office, day=date(2026, 1, 12), name="Snow", now=T0 + timedelta(minutes=2))
    office.refresh_from_db()
    assert date(2026, 1, 12) in calendar_spec(office, years=years).holidays
    closure_remove(calendar=office, day=date(2026, 1, 12), now=T0 + timedelta(minutes=3))
    office.refresh_from_db()
    assert date(2026, 1, 12) not in calendar_spec(office, years=years).holidays


def test_calendar_create_reports_every_bad_field(db):
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(
            name=" ", time_zone="Mars/Olympus", holiday_country="XX", intervals=OFFICE_HOURS
        )
    assert set(caught.value.errors) == {"name", "time_zone", "holiday_country"}
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(name="A", time_zone="UTC", holiday_country="US", holiday_subdivision="ZZ")
    assert set(caught.value.errors) == {"holiday_subdivision"}
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(name="B", time_zone="UTC", holiday_subdivision="PA")
    assert set(caught.value.errors) == {"holiday_subdivision"}


def test_duplicate_calendar_names_are_refused(office):
    with pytest.raises(ValidationFailed) as caught:
        calendar_create(name="City offices", time_zone="UTC")
    assert "name" in caught.value.errors


def test_overlapping_or_backwards_intervals_are_refused(office):
    with pytest.raises(ValidationFailed) as caught:
        working_intervals_set(
            calendar=office,
            intervals=[
                (0, time(8), time(12)),
                (0, time(11), time(14)),
                (1, time(12), time(9)),
                (7, time(8), time(9)),
            ],
        )
    problems = caught.value.errors["intervals"]
    assert len(problems) == 3
    assert any("overlaps" in p for p in problems) and any("ends before" in p for p in problems)
    assert office.intervals.count() == 5  # unchanged


def test_split_and_touching_intervals_and_midnight_ends_are_accepted(office):
    working_intervals_set(
        calendar=office,
        intervals=[
            (0, time(8), time(12)),
            (0, time(13), time(17)),
            (0, time(17), time(18)),
            (4, time(20), time(0)),
        ],
    )
    spec = calendar_spec(office, years=range(2026, 2027))
    assert spec.weekly[0] == ((time(8), time(12)), (time(13), time(17)), (time(17), time(18)))
    assert spec.weekly[4] == ((time(20), time(0)),)


def test_database_refuses_an_interval_that_ends_before_it_starts(office):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingInterval.objects.create(calendar=office, weekday=2, start=time(9), end=time(8))


def test_always_open_calendar(db):
    always = calendar_create(name="Service desk 24x7", time_zone="Europe/London", always_open=True)
    spec = calendar_spec(always, years=range(2026, 2027))
    assert spec.always_open and spec.holidays == frozenset()
    start = datetime(2026, 3, 28, 12, tzinfo=ZoneInfo("Europe/London"))
    # Real elapsed time across the spring-forward (not wall-clock `start + 24 h`).
    assert add_business_time(start, timedelta(hours=24), spec) == datetime(
        2026, 3, 29, 12, tzinfo=UTC
    )


def test_closure_needs_a_name_and_a_free_day(office):
    with pytest.raises(ValidationFailed):
        closure_add(calendar=office, day=date(2026, 1, 2), name=" ")
    closure_add(calendar=office, day=date(2026, 1, 2), name="Bridge day")
    with pytest.raises(ValidationFailed) as caught:
        closure_add(calendar=office, day=date(2026, 1, 2), name="Again")
    assert "date" in caught.value.errors


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sla/businesscalendar/",
        "/admin/sla/businesscalendar/add/",
        "/admin/sla/agreement/",
        "/admin/sla/agreement/add/",
    ],
)
def test_admin_pages_are_for_organization_admins(org, office, client, url):
    client.force_login(org.it_lead)
    assert client.get(url).status_code == 302  # to the admin sign-in
    client.force_login(org.admin)
    assert client.get(url).status_code == 200


def test_admin_edit_bumps_the_calendar_version(org, office, client):
    client.force_login(org.admin)
    before = office.updated_at
    page = client.get(f"/admin/sla/businesscalendar/{office.pk}/change/")
    assert page.status_code == 200
    assert "Monday" in page.content.decode()
    form = {
        "name": office.name,
        "time_zone": office.time_zone,
        "holiday_country": "US",
        "holiday_subdivision": "PA",
        "intervals-TOTAL_FORMS": "0",
        "intervals-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "1",
        "closures-INITIAL_FORMS": "0",
        "closures-0-date": "2026-02-02",
        "closures-0-name": "Groundhog day",
    }
    response = client.post(f"/admin/sla/businesscalendar/{office.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    office.refresh_from_db()
    assert office.updated_at > before
    assert date(2026, 2, 2) in calendar_spec(office, years=range(2026, 2027)).holidays


def test_admin_refuses_overlapping_intervals(org, office, client):
    client.force_login(org.admin)
    form = {
        "name": office.name,
        "time_zone": office.time_zone,
        "holiday_country": "US",
        "holiday_subdivision": "PA",
        "intervals-TOTAL_FORMS": "2",
        "intervals-INITIAL_FORMS": "0",
        "intervals-0-weekday": "5",
        "intervals-0-start": "08:00",
        "intervals-0-end": "12:00",
        "intervals-1-weekday": "5",
        "intervals-1-start": "11:00",
        "intervals-1-end": "13:00",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/sla/businesscalendar/{office.pk}/change/", form)
    assert response.status_code == 200
    assert "Saturday 08:00-12:00 overlaps 11:00-13:00" in response.content.decode()
    assert not office.intervals.filter(weekday=5).exists()

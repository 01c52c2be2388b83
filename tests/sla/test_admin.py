"""Calendars and agreements in Django admin, through the admin's own forms: a time zone from
the list, one weekday's hours copied to others, targets as durations, pausing statuses ticked."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client

from conftest import Org
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar
from staffdesk.sla.services.calendars import calendar_create


@pytest.fixture
def office(db: None) -> BusinessCalendar:
    return calendar_create(
        name="City offices",
        time_zone="America/New_York",
        intervals=[(0, time(8), time(12)), (0, time(13), time(17)), (2, time(10), time(11))],
    )


@pytest.fixture
def admin_client(client: Client, org: Org) -> Client:
    client.force_login(org.admin)
    return client


def _calendar_form(calendar: BusinessCalendar, **changes: object) -> dict:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "holiday_country": "",
        "holiday_subdivision": "",
        "intervals-TOTAL_FORMS": "0",
        "intervals-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
        **changes,
    }


def _calendar_url(calendar: BusinessCalendar) -> str:
    return f"/admin/sla/businesscalendar/{calendar.pk}/change/"


def test_the_time_zone_is_chosen_from_the_list(
    admin_client: Client, office: BusinessCalendar
) -> None:
    page = admin_client.get(_calendar_url(office))
    field = page.context["adminform"].form.fields["time_zone"]
    names = [value for value, _ in field.choices if value]
    assert names == sorted(names) and "Europe/Paris" in names and len(names) > 300
    assert '<option value="America/New_York" selected>' in page.content.decode()
    response = admin_client.post(
        _calendar_url(office), _calendar_form(office, time_zone="Mars/Base")
    )
    assert response.status_code == 200
    assert "Mars/Base" in " ".join(response.context["adminform"].form.errors["time_zone"])
    response = admin_client.post(
        _calendar_url(office), _calendar_form(office, time_zone="Europe/Paris")
    )
    assert response.status_code == 302
    assert BusinessCalendar.objects.get(pk=office.pk).time_zone == "Europe/Paris"


def test_monday_s_hours_are_copied_to_tuesday_to_friday(
    admin_client: Client, office: BusinessCalendar
) -> None:
    form = _calendar_form(office, copy_hours_from="0", copy_hours_to=["1", "2", "3", "4"])
    response = admin_client.post(_calendar_url(office), form, follow=True)
    told = [str(message) for message in response.context["messages"]]
    assert "Monday's hours copied to Tuesday, Wednesday, Thursday, Friday." in told
    hours = {
        weekday: [(row.start, row.end) for row in office.intervals.filter(weekday=weekday)]
        for weekday in range(7)
    }
    monday = [(time(8), time(12)), (time(13), time(17))]
    assert hours == {0: monday, 1: monday, 2: monday, 3: monday, 4: monday, 5: [], 6: []}


def test_a_copy_needs_its_days(admin_client: Client, office: BusinessCalendar) -> None:
    response = admin_client.post(_calendar_url(office), _calendar_form(office, copy_hours_from="0"))
    assert response.status_code == 200
    assert "Tick the days" in " ".join(response.context["adminform"].form.errors["copy_hours_to"])


def _agreement_form(org: Org, office: BusinessCalendar, **changes: object) -> dict:
    return {
        "name": "IT for everyone",
        "provider": org.it.pk,
        "calendar": office.pk,
        "status": "active",
        "effective_from": "2026-01-01",
        "at_risk_share": "0.75",
        "pausing_statuses": ["waiting_on_requester", "acknowledged"],
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "4",
        "targets-0-priority": "1",
        "targets-0-first_response_minutes": "1h30m",
        "targets-0-resolution_minutes": "4h",
        "targets-1-priority": "3",
        "targets-1-first_response_minutes": "90",
        "targets-1-resolution_minutes": "2d",
        **changes,
    }


def test_targets_are_written_as_durations_and_statuses_ticked(
    admin_client: Client, org: Org, office: BusinessCalendar
) -> None:
    page = admin_client.get("/admin/sla/agreement/add/").content.decode()
    assert 'type="checkbox" name="pausing_statuses" value="waiting_on_requester"' in page
    response = admin_client.post("/admin/sla/agreement/add/", _agreement_form(org, office))
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert sorted(agreement.pausing_statuses) == ["acknowledged", "waiting_on_requester"]
    targets = {
        target.priority: (target.first_response_minutes, target.resolution_minutes)
        for target in AgreementTarget.objects.filter(agreement=agreement)
    }
    assert targets == {1: (90, 240), 3: (90, 960)}

    page = admin_client.get(f"/admin/sla/agreement/{agreement.pk}/change/")
    rows = page.context["inline_admin_formsets"][0].formset.forms
    shown = [
        (row["first_response_minutes"].value(), row["resolution_minutes"].value()) for row in rows
    ]
    assert shown == [("1h30m", "4h"), ("1h30m", "2d")]
    ticked = page.context["adminform"].form["pausing_statuses"].value()
    assert sorted(ticked) == ["acknowledged", "waiting_on_requester"]


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("soon", "first_response_minutes", "soon is not a duration"),
        ("0h", "first_response_minutes", "is not a duration"),
        ("1h", "resolution_minutes", "cannot be shorter than the first response"),
    ],
)
def test_bad_targets_are_refused_on_the_field(
    admin_client: Client, org: Org, office: BusinessCalendar, value: str, field: str, message: str
) -> None:
    form = _agreement_form(org, office, **{f"targets-0-{field}": value})
    if field == "resolution_minutes":
        form["targets-0-first_response_minutes"] = "2h"
    response = admin_client.post("/admin/sla/agreement/add/", form)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert message in " ".join(errors[field])
    assert not Agreement.objects.exists()

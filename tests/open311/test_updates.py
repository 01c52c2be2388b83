"""mySociety's servicerequestupdates, as FixMyStreet reads and posts status updates.

The requests below are shaped as FixMyStreet's perllib/Open311.pm sends them:
`get_service_request_updates` (GET servicerequestupdates.xml with api_key, start_date and
end_date, both or neither, and jurisdiction_id) and `_populate_service_request_update_params`
(POST servicerequestupdates.xml, form-encoded, with api_key and jurisdiction_id).
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings

from staffdesk.core import clock
from staffdesk.notifications.models import Notification
from staffdesk.open311.models import Integration, ReceivedUpdate
from staffdesk.open311.services import integration_key_issue
from staffdesk.requests.models import Request, RequestEvent, Status
from staffdesk.requests.services import (
    request_add_note,
    request_reply,
    request_submit,
    request_transition,
)
from tests.factories import PersonFactory
from tests.open311.conftest import BASE, as_text, read

LAPTOP = {"model": "standard", "quantity": "1"}
W3C = "%Y-%m-%dT%H:%M:%SZ"  # DateTime::Format::W3CDTF, as FixMyStreet formats a UTC time


def fms_request(key: str) -> dict[str, str]:
    """send_service_request's parameters (extended description, split name, attributes)."""
    return {
        "jurisdiction_id": settings.STAFFDESK_OPEN311_JURISDICTION,
        "api_key": key,
        "description": "Laptop screen flickers\n\nIt started on Monday.\n\n"
        "https://fms.example/report/41\n",
        "service_code": "it-laptop",
        "first_name": "Rita",
        "last_name": "Requester",
        "email": "rita@city.example",
        "lat": "40.712800",
        "long": "-74.006000",
        "attribute[model]": "standard",
        "attribute[quantity]": "1",
    }


def fms_update(key: str, number: str, **changes: str) -> dict[str, str]:
    """_populate_service_request_update_params, extended statuses off."""
    return {
        "jurisdiction_id": settings.STAFFDESK_OPEN311_JURISDICTION,
        "api_key": key,
        "updated_datetime": clock.now().strftime(W3C),
        "service_request_id": number,
        "status": "OPEN",
        "description": "Still flickering after the update.",
        "last_name": "Requester",
        "first_name": "Rita",
        "email": "rita@city.example",
        "update_id": "7001",
        **changes,
    }


def fms_window(key: str, hours: int = 1) -> dict[str, str]:
    now = clock.now()
    return {
        "api_key": key,
        "start_date": (now - timedelta(hours=hours)).strftime(W3C),
        "end_date": (now + timedelta(minutes=5)).strftime(W3C),
        "jurisdiction_id": settings.STAFFDESK_OPEN311_JURISDICTION,
    }


def post(client, path: str, data: dict, fmt: str = "xml"):
    return client.post(
        f"{BASE}/{path}.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def fms(db) -> str:
    return integration_key_issue(integration=Integration(name="FixMyStreet"))


@pytest.fixture
def filed(client, org, laptop, fms) -> Request:
    """A request FixMyStreet filed for Rita, which IT answered, noted and resolved."""
    org.requester.email = "rita@city.example"
    org.requester.save(update_fields=["email"])
    response = post(client, "requests", fms_request(fms))
    [receipt] = read(response, "xml")
    request = Request.objects.get(number=receipt["service_request_id"])
    request_reply(request=request, author=org.it_point, body="A new screen is on its way.")
    request_add_note(request=request, author=org.it_point, body="Vendor RMA 5521, internal.")
    request_transition(
        request=request, actor=org.it_point, to_status=Status.RESOLVED, note="Screen replaced."
    )
    return request


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_fixmystreet_reads_the_public_updates_of_what_it_filed(client, org, filed, fms, fmt):
    # Rita's own request, filed in the web app, is not the integration's to read.
    own = request_submit(requester=org.requester, service=org.laptop, answers={**LAPTOP})
    request_reply(request=own, author=org.it_point, body="Not for FixMyStreet.")

    response = client.get(f"{BASE}/servicerequestupdates.{fmt}", fms_window(fms))
    assert response.status_code == 200, response.content
    updates = read(response, fmt)
    reply, status = (
        RequestEvent.objects.filter(request=filed, kind=kind).get()
        for kind in (RequestEvent.Kind.REPLY, RequestEvent.Kind.STATUS)
    )
    assert [update["update_id"] for update in updates] == [str(reply.pk), str(status.pk)]
    first, last = updates
    assert first["service_request_id"] == filed.number
    assert first["description"] == "A new screen is on its way."
    assert (first["status"], first["external_status_code"]) == ("open", "new")
    assert (last["status"], last["external_status_code"]) == ("closed", "resolved")
    assert "Screen replaced." in last["description"]
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", last["updated_datetime"])  # with its offset
    assert "Vendor RMA" not in response.content.decode()  # the internal note
    assert "Not for FixMyStreet" not in response.content.decode()
    if fmt == "xml":
        assert b"<service_requests_updates><request_update>" in response.content
    # Both formats say the same.
    other = "json" if fmt == "xml" else "xml"
    again = read(client.get(f"{BASE}/servicerequestupdates.{other}", fms_window(fms)), other)
    assert as_text(updates if fmt == "json" else again) == (again if fmt == "json" else updates)


def test_a_window_and_the_key_decide_what_is_read(client, org, filed, fms, rita_key):
    # The window is on the update's time: yesterday's window has none of today's updates.
    yesterday = clock.now() - timedelta(days=1)
    window = {
        "api_key": fms,
        "start_date": (yesterday - timedelta(hours=2)).strftime(W3C),
        "end_date": yesterday.strftime(W3C),
    }
    assert read(client.get(f"{BASE}/servicerequestupdates.json", window), "json") == []
    # A person's own key reads the updates of the requests they may see, public ones only.
    mine = read(client.get(f"{BASE}/servicerequestupdates.json", {"api_key": rita_key}), "json")
    assert {update["service_request_id"] for update in mine} == {filed.number}
    assert len(mine) == 2
    # Another integration reads nothing of FixMyStreet's.
    other = integration_key_issue(integration=Integration(name="Kiosk"))
    assert read(client.get(f"{BASE}/servicerequestupdates.json", {"api_key": other}), "json") == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({}, 403, "api_key"),
        (
            {"start_date": "2026-12-01T10:00:00Z", "end_date": "2026-11-01T10:00:00Z"},
            400,
            "end_date",
        ),
        ({"start_date": "yesterday"}, 400, "start_date"),
        ({"service_request_id": "IT-000001"}, 400, "service_request_id"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_reading_refusals_name_the_parameter(client, fms, query, status, field, fmt):
    key = {"api_key": fms} if status != 403 else {}
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}", {**key, **query})
    assert response.status_code == status
    [error] = read(response, fmt)
    assert field in error["description"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_fixmystreet_posts_a_citizens_comment_once(client, org, filed, fms, fmt):
    request_transition(request=filed, actor=org.it_point, to_status=Status.IN_PROGRESS)
    response = post(client, "servicerequestupdates", fms_update(fms, filed.number), fmt)
    assert response.status_code == 200, response.content
    [receipt] = read(response, fmt)
    if fmt == "xml":
        # What Open311.pm reads: $obj->{request_update}->[0]->{update_id}
        assert b"<service_request_updates><request_update><update_id>" in response.content
    reply = RequestEvent.objects.get(pk=receipt["update_id"])
    assert (reply.kind, reply.actor, reply.is_internal) == (
        RequestEvent.Kind.REPLY,
        org.requester,
        False,
    )
    assert reply.body == "Still flickering after the update."
    assert ReceivedUpdate.objects.get(event=reply).client_status == "OPEN"
    # The retry FixMyStreet makes when it missed the answer: the same update, not a second.
    retried = post(client, "servicerequestupdates", fms_update(fms, filed.number), fmt)
    assert read(retried, fmt) == [receipt]
    assert RequestEvent.objects.filter(request=filed, kind=RequestEvent.Kind.REPLY).count() == 2
    # The same id with other words is a conflict, not a silent overwrite.
    clash = post(
        client, "servicerequestupdates", fms_update(fms, filed.number, description="Other"), fmt
    )
    assert clash.status_code == 409
    # The comment is one of the updates read back, under the id FixMyStreet was given.
    updates = read(client.get(f"{BASE}/servicerequestupdates.json", fms_window(fms)), "json")
    assert receipt["update_id"] in [update["update_id"] for update in updates]
    # The team hears of it like any reply.
    filed.refresh_from_db()
    told = Notification.objects.filter(recipient=filed.assignee, subject__contains="New reply")
    assert told.exists(), list(Notification.objects.values_list("recipient__username", "subject"))


def test_a_closed_comment_confirms_a_resolution_and_an_open_one_reopens(client, org, filed, fms):
    closing = fms_update(fms, filed.number, status="CLOSED", description="Works now, thanks.")
    assert post(client, "servicerequestupdates", closing).status_code == 200
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED

    other = request_submit(requester=org.requester, service=org.laptop, answers={**LAPTOP})
    request_transition(request=other, actor=org.it_point, to_status=Status.RESOLVED)
    rita = api_key_of(org.requester)
    reopening = fms_update(rita, other.number, update_id="7002", status="REOPEN")
    assert post(client, "servicerequestupdates", reopening).status_code == 200
    other.refresh_from_db()
    assert other.status == Status.IN_PROGRESS


def test_a_closed_comment_does_not_close_work_in_progress(client, org, filed, fms):
    request_transition(request=filed, actor=org.it_point, to_status=Status.IN_PROGRESS)
    closing = fms_update(fms, filed.number, status="FIXED", description="Looks fixed?")
    assert post(client, "servicerequestupdates", closing).status_code == 200
    filed.refresh_from_db()
    assert filed.status == Status.IN_PROGRESS  # the team decides; the words are a reply


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_posting_refusals_name_what_to_fix_and_write_nothing(client, org, filed, fms, fmt):
    replies = RequestEvent.objects.filter(kind=RequestEvent.Kind.REPLY).count()
    own = request_submit(requester=org.requester, service=org.laptop, answers={**LAPTOP})
    PersonFactory(username="zed", email="zed@city.example", department=org.fin)
    org.it_agent.email = "alex@city.example"
    org.it_agent.save(update_fields=["email"])
    cases = [
        ({"api_key": ""}, 403, "api_key"),
        ({"update_id": ""}, 400, "update_id"),
        ({"status": "MAYBE"}, 400, "status"),
        ({"description": ""}, 400, "description"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"colour": "red"}, 400, "colour"),
        # An integration names the requester's side; not a stranger, not the team.
        ({"email": "zed@city.example"}, 400, "email"),
        ({"email": "alex@city.example"}, 400, "email"),
        # Only requests this integration filed.
        ({"service_request_id": own.number}, 404, own.number),
        ({"service_request_id": "IT-999999"}, 404, "IT-999999"),
    ]
    for number, (changes, status, words) in enumerate(cases):
        body = fms_update(fms, filed.number, **{"update_id": f"8{number}", **changes})
        response = post(client, "servicerequestupdates", body, fmt)
        assert response.status_code == status, (changes, response.content)
        assert words in response.content.decode(), (changes, response.content)
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.REPLY).count() == replies
    assert not ReceivedUpdate.objects.exists()


def test_crlf_and_angle_brackets_in_a_comment_are_text(client, org, filed, fms):
    comment = "Sign says <STOP>\r\nand the screen is dark."
    response = post(
        client, "servicerequestupdates", fms_update(fms, filed.number, description=comment)
    )
    [receipt] = read(response, "xml")
    assert RequestEvent.objects.get(pk=receipt["update_id"]).body == (
        "Sign says <STOP>\nand the screen is dark."
    )


def api_key_of(person) -> str:
    from staffdesk.directory.services import api_token_create

    return api_token_create(person=person, name="311 app")[1]

"""Filing answers from what it wrote: the same bytes as reading the request right after."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.services import api_token_create, person_set_away


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _token(person):
    return api_token_create(person=person, name="t")[1]


def _create_then_get(client, person, body):
    auth = {"Authorization": f"Bearer {_token(person)}"}
    created = client.post("/api/v1/requests", body, content_type="application/json", headers=auth)
    assert created.status_code == 201, created.content
    read = client.get(f"/api/v1/requests/{created.json()['number']}", headers=auth)
    assert read.status_code == 200
    return created, read


def _same_bytes(created, read):
    assert created.content == read.content
    return json.loads(created.content)


def test_create_answers_what_the_request_page_reads_with_answers_and_an_agreement(
    org, agreement, client, frozen
):
    created, read = _create_then_get(
        client,
        org.requester,
        {
            "service": "it-laptop",
            "subject": "A laptop",
            "description": "For the new starter.",
            "answers": {**LAPTOP_ANSWERS, "needed_by": "2030-01-15T09:00:00Z"},
            "priority": 3,
            "location": "City Hall, floor 2",
            "latitude": 40.7,
            "longitude": -74.0,
        },
    )
    detail = _same_bytes(created, read)
    assert detail["assignee"]["id"] == org.it_point.pk
    assert [event["kind"] for event in detail["timeline"]] == ["created", "assignment"]
    assert detail["sla"]["agreement"] == "IT for everyone"


def test_create_on_behalf_of_someone_answers_what_the_page_reads(org, client, frozen):
    created, read = _create_then_get(
        client,
        org.it_agent,
        {
            "service": "it-laptop",
            "answers": LAPTOP_ANSWERS,
            "on_behalf_of_id": org.requester.pk,
            "urgency": "blocking",
        },
    )
    detail = _same_bytes(created, read)
    assert detail["on_behalf_of"]["id"] == org.requester.pk
    assert detail["allowed_transitions"]  # the agent works on it


def test_create_nobody_to_route_to_answers_what_the_page_reads(org, client, frozen):
    tomorrow = timezone.localdate() + timedelta(days=1)
    person_set_away(person=org.it_point, away_until=tomorrow, delegate=None)
    person_set_away(person=org.it_backup, away_until=tomorrow, delegate=None)
    created, read = _create_then_get(
        client, org.requester, {"service": "it-laptop", "answers": LAPTOP_ANSWERS}
    )
    detail = _same_bytes(created, read)
    assert detail["assignee"] is None
    assert [event["kind"] for event in detail["timeline"]] == ["created"]


def test_a_replayed_create_answers_with_the_request_as_it_is_now(org, client):
    auth = {"Authorization": f"Bearer {_token(org.requester)}", "Idempotency-Key": "k1"}
    body = {"service": "it-laptop", "answers": LAPTOP_ANSWERS}
    first = client.post("/api/v1/requests", body, content_type="application/json", headers=auth)
    number = first.json()["number"]
    client.post(
        f"/api/v1/requests/{number}/replies",
        {"body": "Any news?"},
        content_type="application/json",
        headers=auth,
    )
    again = client.post("/api/v1/requests", body, content_type="application/json", headers=auth)
    assert again.status_code == 201
    assert again.json()["number"] == number
    assert [event["kind"] for event in again.json()["timeline"]][-1] == "reply"


def test_json_is_answered_in_the_form_the_database_hands_it_back(db):
    """What filing answers with (`as_stored`) is what reading the JSON column gives."""
    from django.db import connection

    from staffdesk.requests.read import as_stored

    value = {"quantity": 1, "b": {"zz": 1, "a": [1e16, 2.5, 1.5e-7]}, "model": "x", "é": True}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::jsonb::text", [json.dumps(value)])
            stored = json.loads(cursor.fetchone()[0])
    else:
        stored = json.loads(json.dumps(value))
    assert json.dumps(as_stored(value)) == json.dumps(stored)

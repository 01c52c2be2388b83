"""Employees say how urgent it is for them, in words; the team sets the priority, and
critical is the team's call."""

from __future__ import annotations

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request


def _filed(number: str) -> Request:
    return Request.objects.get(number=number)


def test_the_form_asks_how_urgent_in_words_and_the_team_reads_it(org, client):
    client.force_login(org.requester)
    form = {f"answers.{code}": value for code, value in LAPTOP_ANSWERS.items()}
    response = client.post("/requests/new/it-laptop", {**form, "urgency": "blocking"})
    assert response.status_code == 302
    item = Request.objects.get()
    assert (item.urgency, item.priority) == ("blocking", 2)  # high, never critical
    client.force_login(org.it_point)
    page = client.get(f"/requests/{item.number}").content.decode()
    assert "says:</span> It stops my work" in page


@pytest.mark.parametrize(("urgency", "priority"), [("slowing", 3), ("whenever", 4)])
def test_the_api_takes_urgency_in_words(org, api, urgency, priority):
    created = api(org.requester).post(
        "/requests", json={"service": "it-laptop", "answers": LAPTOP_ANSWERS, "urgency": urgency}
    )
    assert created.status_code == 201
    assert (created.json()["urgency"], created.json()["priority"]) == (urgency, priority)


def test_critical_is_the_providing_teams_call(org, api):
    body = {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "priority": 1}
    refused = api(org.requester).post("/requests", json=body)
    assert refused.status_code == 422
    assert "Critical priority is the providing team's call" in refused.json()["message"]
    assert not Request.objects.exists()
    filed = api(org.it_agent).post("/requests", json=body)
    assert filed.status_code == 201 and filed.json()["priority"] == 1


def test_an_unknown_urgency_is_refused_naming_the_words(org, api):
    refused = api(org.requester).post(
        "/requests", json={"service": "it-laptop", "answers": LAPTOP_ANSWERS, "urgency": "asap"}
    )
    assert refused.status_code == 422
    assert "urgency" in refused.json()["errors"]

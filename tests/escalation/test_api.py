"""The escalation endpoints over real HTTP: what each side sees and may do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.core import clock
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services import escalation_tick
from staffdesk.requests.services import request_submit

REASON = "The new analyst starts on Monday and has nothing to work on."


def _file(org, *, days_ago: int):
    """A laptop request filed `days_ago` days ago; its targets run in real time."""
    return request_submit(
        requester=org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        now=clock.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def overdue(org, policy):
    """Filed ten days ago, never answered: both targets are long past."""
    return _file(org, days_ago=10)


def test_before_the_target_it_says_why_not_and_where_it_would_go(org, policy, api):
    fresh = _file(org, days_ago=0)
    client = api(org.requester)
    state = client.get(f"/requests/{fresh.number}/escalations").json()
    assert state["levels"] == [] and state["can_escalate"] is False
    assert state["next_level"] == {"position": 1, "name": "Point person"}
    assert state["why_not"].startswith("You can escalate from ")
    refused = client.post(f"/requests/{fresh.number}/escalate", json={"reason": REASON})
    assert refused.status_code == 409
    assert refused.json() == {"message": state["why_not"], "errors": {"reason": [state["why_not"]]}}


def test_the_requester_escalates_level_by_level(org, overdue, api):
    client = api(org.requester)
    before = client.get(f"/requests/{overdue.number}/escalations").json()
    assert before["can_escalate"] is True and before["why_not"] == ""

    created = client.post(f"/requests/{overdue.number}/escalate", json={"reason": REASON})
    assert created.status_code == 201, created.text
    fired = created.json()
    assert {key: fired[key] for key in ("level", "name", "clock", "source", "reason", "why")} == {
        "level": 1,
        "name": "Point person",
        "clock": "response",
        "source": "requester",
        "reason": REASON,
        "why": "",
    }
    assert fired["actor"]["name"] == "Rita Requester"

    after = client.get(f"/requests/{overdue.number}/escalations").json()
    assert [level["level"] for level in after["levels"]] == [1]
    assert after["next_level"] == {"position": 2, "name": "Department lead"}
    timeline = client.get(f"/requests/{overdue.number}").json()["timeline"]
    assert [e["body"] for e in timeline if e["kind"] == "escalation"] == [REASON]


def test_the_team_sees_the_policys_levels_the_requester_only_their_own(org, overdue, api):
    api(org.requester).post(f"/requests/{overdue.number}/escalate", json={"reason": REASON})
    escalation_tick()  # levels 2 to 4 are overdue
    team = api(org.it_agent).get(f"/requests/{overdue.number}/escalations").json()
    assert [(level["level"], level["source"]) for level in team["levels"]] == [
        (1, "requester"),
        (2, "trigger"),
        (3, "trigger"),
        (4, "trigger"),
    ]
    assert team["levels"][1]["why"] == "the first response target was breached"
    assert team["levels"][1]["actor"] is None
    assert team["can_escalate"] is False
    assert team["why_not"] == "Only the requester, or the person it was filed for, can escalate."

    mine = api(org.requester).get(f"/requests/{overdue.number}/escalations").json()
    assert [level["level"] for level in mine["levels"]] == [1]
    assert mine["can_escalate"] is False and mine["next_level"] is None
    assert mine["why_not"] == "Every escalation level has been reached already."


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"reason": ["this field is required"]}),
        ({"reason": REASON, "level": 3}, {"level": ["this field cannot be set here"]}),
        ({"reason": "  "}, {"reason": ["this field is required"]}),
        ({"reason": "x" * 2001}, {"reason": ["at most 2000 characters"]}),
    ],
)
def test_bad_bodies_are_refused(org, overdue, api, body, errors):
    response = api(org.requester).post(f"/requests/{overdue.number}/escalate", json=body)
    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert not Escalation.objects.exists()


def test_the_team_may_not_escalate(org, overdue, api):
    response = api(org.it_point).post(f"/requests/{overdue.number}/escalate", json={"reason": "x"})
    assert response.status_code == 403
    assert "Only the requester" in response.json()["message"]


@pytest.mark.parametrize("who", ["colleague", "unrelated", "hr_agent", None])
def test_who_cannot_see_the_request_gets_404_or_401(org, overdue, api, who):
    client = api(getattr(org, who) if who else None)
    listing = client.get(f"/requests/{overdue.number}/escalations")
    escalating = client.post(f"/requests/{overdue.number}/escalate", json={"reason": REASON})
    expected = 404 if who else 401
    assert (listing.status_code, escalating.status_code) == (expected, expected)
    assert not Escalation.objects.exists()

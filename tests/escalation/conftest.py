from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.services import request_submit
from tests.factories import LevelFactory, PersonFactory, PolicyFactory

NY = ZoneInfo("America/New_York")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, New York time (16 November is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def file_laptop(org, now):
    return request_submit(
        requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS, now=now
    )


@pytest.fixture
def director(org):
    """The IT lead's manager."""
    boss = PersonFactory(username="dora", first_name="Dora", last_name="Director")
    org.it_lead.manager = boss
    org.it_lead.save()
    return boss


@pytest.fixture
def policy(org, agreement, director):
    """IT's ladder: 75 % of response -> point person; breach -> lead; +60 min -> director,
    backup and P+1; 8 business hours of silence -> the lead. Each level gives the people it
    tells one business minute before the requester may go past it, since these tests
    escalate minutes apart (test_cool_down.py checks real windows)."""
    policy = PolicyFactory(name="IT escalation", department=org.it)
    quick = {"policy": policy, "response_window_minutes": 1}
    LevelFactory(**quick, name="Point person", share=True, notify_point_person=True)
    LevelFactory(**quick, name="Department lead", notify_lead=True)
    LevelFactory(
        **quick,
        name="Director",
        after_breach=True,
        notify_lead_manager=True,
        reassign_to_backup=True,
        raise_priority=True,
    )
    LevelFactory(**quick, name="Silence", silence=True, business_minutes=8 * 60, notify_lead=True)
    return policy

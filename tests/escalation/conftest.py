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
    backup and P+1; 8 business hours of silence -> the lead."""
    policy = PolicyFactory(name="IT escalation", department=org.it)
    LevelFactory(policy=policy, name="Point person", share=True, notify_point_person=True)
    LevelFactory(policy=policy, name="Department lead", notify_lead=True)
    LevelFactory(
        policy=policy,
        name="Director",
        after_breach=True,
        notify_lead_manager=True,
        reassign_to_backup=True,
        raise_priority=True,
    )
    LevelFactory(
        policy=policy, name="Silence", silence=True, business_minutes=8 * 60, notify_lead=True
    )
    return policy

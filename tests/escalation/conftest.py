from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.escalation.models import Level, Policy
from staffdesk.requests.services import request_submit
from tests.factories import PersonFactory

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
    policy = Policy.objects.create(name="IT escalation", department=org.it)
    Level.objects.create(
        policy=policy,
        position=1,
        name="Point person",
        trigger="share",
        clock="response",
        share_percent=75,
        notify_point_person=True,
    )
    Level.objects.create(
        policy=policy,
        position=2,
        name="Department lead",
        trigger="breach",
        clock="response",
        notify_lead=True,
    )
    Level.objects.create(
        policy=policy,
        position=3,
        name="Director",
        trigger="after_breach",
        clock="response",
        business_minutes=60,
        notify_lead_manager=True,
        reassign_to_backup=True,
        raise_priority=True,
    )
    Level.objects.create(
        policy=policy,
        position=4,
        name="Silence",
        trigger="silence",
        clock="activity",
        business_minutes=8 * 60,
        notify_lead=True,
    )
    return policy

"""After an escalation the people it told get the level's response window, in business
time, before the requester may go past them; the timeline names who was told."""

from __future__ import annotations

import pytest

from staffdesk.core.errors import Conflict
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services import escalation_tick, request_escalate
from staffdesk.requests.read import summary
from staffdesk.requests.selectors import request_events
from tests.escalation.conftest import at, file_laptop
from tests.factories import LevelFactory, PolicyFactory

REASON = "Nobody has answered and the analyst starts on Monday."


@pytest.fixture
def ladder(org, agreement, director):
    """IT's ladder with the default window (240 business minutes) on every level."""
    policy = PolicyFactory(name="IT escalation", department=org.it)
    LevelFactory(policy=policy, name="Point person", share=True, notify_point_person=True)
    LevelFactory(policy=policy, name="Department lead", notify_lead=True)
    LevelFactory(
        policy=policy,
        name="Lead's manager",
        after_breach=True,
        notify_lead_manager=True,
        raise_priority=True,
    )
    return policy


def test_a_second_click_waits_for_the_levels_response_window(org, ladder):
    item = file_laptop(org, at(16, 17))  # the response is due Tuesday 11:00 New York
    first = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    assert first.level.position == 1
    with pytest.raises(Conflict) as refused:
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11, 12))
    assert refused.value.message == (
        "Level 1 (Point person) was told on 17 Nov 2026, 11:00 EST; they have until "
        "17 Nov 2026, 15:00 EST to answer. You can escalate again from then if nobody has."
    )
    assert Escalation.objects.filter(request=item).count() == 1
    second = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 15))
    assert second.level.position == 2


def test_the_window_counts_business_hours(org, ladder):
    item = file_laptop(org, at(16, 17))
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 16))
    # Tuesday 16:00 + 4 business hours (08:00-18:00) is Wednesday 10:00.
    with pytest.raises(Conflict, match="until 18 Nov 2026, 10:00 EST"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(18, 9, 59))
    assert (
        request_escalate(
            request=item, actor=org.requester, reason=REASON, now=at(18, 10)
        ).level.position
        == 2
    )


def test_a_level_the_policy_just_fired_also_gets_its_window(org, ladder):
    item = file_laptop(org, at(16, 17))
    assert escalation_tick(now=at(17, 11)) == 2  # 75 % (level 1) and the breach (level 2)
    with pytest.raises(Conflict, match="Level 2 \\(Department lead\\) was told"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11, 30))


def test_the_timeline_names_who_was_told(org, ladder):
    item = file_laptop(org, at(16, 17))
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    [entry] = [
        e for e in request_events(user=org.requester, request=item) if e.kind == "escalation"
    ]
    assert summary(entry.kind, entry.data) == (
        "escalated it to level 1, Point person (told Pete Point)"
    )

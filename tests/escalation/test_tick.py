"""The escalation tick fires each level once, at the right business instant."""

import pytest
from django.db import IntegrityError, transaction

from staffdesk.escalation.models import Escalation, Level
from staffdesk.escalation.services import escalation_tick
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request, RequestEvent
from staffdesk.requests.services import request_reply, request_submit, request_transition
from tests.escalation.conftest import at, file_laptop
from tests.factories import LevelFactory, PolicyFactory


def fired(item) -> list[int]:
    return list(
        Escalation.objects.filter(request=item)
        .order_by("level__position")
        .values_list("level__position", flat=True)
    )


def escalation_mail(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind="request_escalated").values_list(
            "subject", flat=True
        )
    )


def test_seventy_five_percent_fires_tuesday_ten_not_overnight(org, policy):
    item = file_laptop(org, at(16, 17))  # Monday 17:00, 4 business hours to answer
    assert escalation_tick(now=at(16, 17, 1)) == 0
    item.refresh_from_db()
    assert item.next_escalation_at == at(17, 10)
    assert escalation_tick(now=at(17, 9, 59)) == 0
    assert escalation_tick(now=at(17, 10)) == 1
    assert fired(item) == [1]
    assert escalation_mail(org.it_point) == [f"[{item.number}] Escalated to level 1 (Point person)"]
    event = RequestEvent.objects.get(request=item, kind="escalation")
    assert event.is_internal and event.actor is None
    assert event.data["why"] == "75 % of the first response target used"
    item.refresh_from_db()
    assert item.next_escalation_at == at(17, 11)  # the breach


def test_a_tick_after_an_outage_fires_each_overdue_level_once(org, policy, director):
    item = file_laptop(org, at(16, 17))
    escalation_tick(now=at(16, 17, 1))
    # The worker was down from Tuesday 09:00 to 14:00: levels 1-3 are all overdue.
    assert escalation_tick(now=at(17, 14)) == 3
    assert escalation_tick(now=at(17, 14)) == 0
    assert escalation_tick(now=at(17, 14, 5)) == 0
    assert fired(item) == [1, 2, 3]
    assert len(escalation_mail(org.it_lead)) == 1
    assert len(escalation_mail(director)) == 1
    item.refresh_from_db()
    assert item.assignee == org.it_backup
    assert item.priority == 2  # raised one step from P3
    # Silence: 8 business hours after filing, which the later ticks still fire once.
    assert escalation_tick(now=at(18, 15)) == 1
    assert escalation_tick(now=at(19, 15)) == 0
    assert fired(item) == [1, 2, 3, 4]


def test_an_answer_in_time_escalates_nobody(org, policy):
    item = file_laptop(org, at(16, 17))
    escalation_tick(now=at(16, 17, 1))
    request_reply(request=item, author=org.it_point, body="On it.", now=at(17, 9))
    request_transition(request=item, actor=org.it_point, to_status="in_progress", now=at(17, 9))
    assert escalation_tick(now=at(17, 12)) == 0
    item.refresh_from_db()
    assert item.next_escalation_at == at(17, 17)  # eight business hours of silence from 09:00
    assert escalation_tick(now=at(20, 12)) == 1
    assert fired(item) == [4]


def test_waiting_on_the_requester_holds_the_silence_level(org, policy):
    item = file_laptop(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="acknowledged", now=at(17, 9))
    request_transition(
        request=item, actor=org.it_point, to_status="waiting_on_requester", now=at(17, 9)
    )
    assert escalation_tick(now=at(27, 9)) == 0
    item.refresh_from_db()
    assert item.next_escalation_at is None
    request_reply(request=item, author=org.requester, body="Here it is", now=at(27, 10))
    escalation_tick(now=at(27, 10))
    item.refresh_from_db()
    # Silence counts again from the requester's answer, not from the team's last word.
    assert item.next_escalation_at == at(27, 18)


def test_a_resolved_request_is_left_alone(org, policy):
    item = file_laptop(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="resolved", now=at(16, 17, 5))
    assert escalation_tick(now=at(30, 9)) == 0
    assert fired(item) == []
    assert Request.objects.get(pk=item.pk).next_escalation_at is None


def test_a_service_policy_overrides_the_department_one(org, policy):
    override = PolicyFactory(name="Laptops", department=org.it, service=org.laptop)
    LevelFactory(policy=override, name="Backup at breach", notify_backup=True)
    item = file_laptop(org, at(16, 17))
    assert escalation_tick(now=at(17, 10)) == 0
    assert escalation_tick(now=at(17, 11)) == 1
    assert escalation_mail(org.it_backup) and not escalation_mail(org.it_point)
    assert fired(item) == [1]
    assert Escalation.objects.get(request=item).level.policy == override


def test_requests_without_a_policy_leave_the_index(org, agreement):
    item = file_laptop(org, at(16, 17))
    assert Request.objects.get(pk=item.pk).next_escalation_at == at(16, 17)
    assert escalation_tick(now=at(16, 17)) == 0
    assert Request.objects.get(pk=item.pk).next_escalation_at is None


def test_the_ledger_refuses_a_level_twice(org, policy):
    item = file_laptop(org, at(16, 17))
    escalation_tick(now=at(17, 10))
    level = Level.objects.get(policy=policy, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(request=item, clock="response", level=level, source="trigger")


def test_idle_tick_reads_the_index_only(org, policy, django_assert_max_num_queries):
    file_laptop(org, at(16, 17))
    escalation_tick(now=at(16, 17, 1))
    with django_assert_max_num_queries(3):
        assert escalation_tick(now=at(16, 17, 2)) == 0


def test_a_confidential_case_is_told_to_its_team_only(org):
    """A level may name people outside the providing team; they cannot see an HR case, and
    its subject is in the mail, so they are not told of it."""
    policy = PolicyFactory(name="HR escalation", department=org.hr)
    LevelFactory(
        policy=policy,
        name="Quiet for an hour",
        silence=True,
        notify_point_person=True,
        notify_person=org.it_lead,
    )
    leave = request_submit(
        requester=org.requester, service=org.leave, answers={"reason": "Surgery"}, now=at(16, 9)
    )
    assert escalation_tick(now=at(16, 10)) == 1
    assert escalation_mail(org.hr_agent) == [
        f"[{leave.number}] Escalated to level 1 (Quiet for an hour)"
    ]
    assert escalation_mail(org.it_lead) == []
    event = RequestEvent.objects.get(request=leave, kind="escalation")
    assert event.data["notified"] == ["Hana HR"]

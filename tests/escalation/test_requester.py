"""The requester's escalation: to the next level, with a reason, once the promise is broken."""

import pytest

from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services import escalation_tick, request_escalate
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import RequestEvent
from staffdesk.requests.selectors import request_events
from staffdesk.requests.services import request_reply, request_submit, request_transition
from tests.escalation.conftest import at, file_laptop

REASON = "The new analyst starts on Monday and has nothing to work on."


def ledger(item) -> list[tuple[int, str]]:
    return list(
        Escalation.objects.filter(request=item)
        .order_by("level__position")
        .values_list("level__position", "source")
    )


def test_before_the_response_target_passes_it_says_from_when(org, policy):
    item = file_laptop(org, at(16, 17))  # Monday 17:00 New York: answer due Tuesday 11:00
    with pytest.raises(Conflict) as refused:
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 10, 59))
    # The site's time zone is New York's, as the agreement's calendar: 11:00 EST.
    assert refused.value.message == (
        "You can escalate from 17 Nov 2026, 11:00 EST if nobody from Information Technology "
        "has answered by then."
    )
    assert refused.value.errors == {"reason": [refused.value.message]}
    assert ledger(item) == []


def test_after_the_response_target_each_escalation_goes_one_level_up(org, policy):
    item = file_laptop(org, at(16, 17))
    first = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    assert (first.level.position, first.level.name) == (1, "Point person")
    assert (first.source, first.actor, first.reason) == ("requester", org.requester, REASON)
    told = Notification.objects.get(recipient=org.it_point, kind="request_escalated")
    assert told.subject == f"[{item.number}] Escalated to level 1 (Point person)"

    second = request_escalate(
        request=item, actor=org.requester, reason="Still nothing.", now=at(17, 11, 5)
    )
    assert (second.level.position, second.level.name) == (2, "Department lead")
    assert Notification.objects.filter(recipient=org.it_lead, kind="request_escalated").exists()
    assert ledger(item) == [(1, "requester"), (2, "requester")]


def test_the_requester_sees_the_escalation_and_its_reason_in_the_timeline(org, policy):
    item = file_laptop(org, at(16, 17))
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    event = request_events(user=org.requester, request=item).get(kind="escalation")
    assert (event.actor, event.body, event.is_internal) == (org.requester, REASON, False)
    assert (event.data["level"], event.data["name"]) == (1, "Point person")


def test_a_level_with_actions_reassigns_and_raises_the_priority(org, policy, director):
    item = file_laptop(org, at(16, 17))
    for minute in range(3):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11, minute))
    item.refresh_from_db()
    assert ledger(item)[-1] == (3, "requester")
    assert item.assignee == org.it_backup and item.priority == 2
    assert Notification.objects.filter(recipient=director, kind="request_escalated").exists()


def test_when_every_level_has_fired_it_is_refused(org, policy, director):
    item = file_laptop(org, at(16, 17))
    for minute in range(4):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11, minute))
    with pytest.raises(Conflict, match="Every escalation level has been reached already"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 12))
    assert [position for position, _ in ledger(item)] == [1, 2, 3, 4]


@pytest.mark.parametrize("reason", ["", "   \n ", "x" * 2001])
def test_a_reason_is_required_and_kept_short(org, policy, reason):
    item = file_laptop(org, at(16, 17))
    with pytest.raises(ValidationFailed) as refused:
        request_escalate(request=item, actor=org.requester, reason=reason, now=at(17, 11))
    assert refused.value.status_code == 422 and "reason" in refused.value.errors
    assert ledger(item) == []


@pytest.mark.parametrize("who", ["it_point", "colleague", "admin"])
def test_only_the_requesters_side_may_escalate(org, policy, who):
    item = file_laptop(org, at(16, 17))
    with pytest.raises(PermissionDenied, match="Only the requester"):
        request_escalate(request=item, actor=getattr(org, who), reason=REASON, now=at(17, 11))
    assert ledger(item) == []


def test_the_person_it_was_filed_for_may_escalate(org, policy):
    item = request_submit(
        requester=org.it_lead,
        service=org.laptop,
        answers={"model": "standard", "quantity": 1},
        on_behalf_of=org.requester,
        now=at(16, 17),
    )
    fired = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    assert fired.level.position == 1


def test_a_level_the_policy_fired_is_skipped(org, policy):
    item = file_laptop(org, at(16, 17))
    assert escalation_tick(now=at(17, 10)) == 1  # 75 % of the response target: level 1
    fired = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    assert fired.level.position == 2
    # The breach would fire level 2 now; the requester got there first, so it does not again.
    assert escalation_tick(now=at(17, 11, 1)) == 0
    assert ledger(item) == [(1, "trigger"), (2, "requester")]


def test_one_escalation_per_level_whoever_comes_first(org, policy):
    item = file_laptop(org, at(16, 17))
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    # The tick at the breach finds level 1 taken and fires level 2 only.
    assert escalation_tick(now=at(17, 11, 1)) == 1
    again = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11, 2))
    assert again.level.position == 3
    levels = list(Escalation.objects.filter(request=item).values_list("level_id", flat=True))
    assert len(levels) == len(set(levels)) == 3
    assert RequestEvent.objects.filter(request=item, kind="escalation").count() == 3


def test_an_answer_in_time_leaves_nothing_to_escalate_until_the_resolution_target(org, policy):
    item = file_laptop(org, at(16, 17))
    request_reply(request=item, author=org.it_point, body="On it.", now=at(17, 9))
    with pytest.raises(Conflict, match="if it is not resolved by then"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 12))
    # Resolution: 20 business hours from Monday 17:00 is Wednesday 17:00.
    with pytest.raises(Conflict):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(18, 16, 59))
    fired = request_escalate(request=item, actor=org.requester, reason=REASON, now=at(18, 17))
    assert fired.level.position == 1


def test_a_request_without_a_policy_cannot_be_escalated(org, agreement):
    item = file_laptop(org, at(16, 17))
    with pytest.raises(Conflict, match="Information Technology has no escalation policy"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))


def test_a_resolved_request_cannot_be_escalated(org, policy):
    item = file_laptop(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="resolved", now=at(17, 12))
    with pytest.raises(Conflict, match=f"{item.number} is resolved"):
        request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 13))

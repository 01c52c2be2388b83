"""The status machine, routing and the timeline, through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.core.errors import Conflict
from staffdesk.requests.models import RequestEvent, Status
from staffdesk.requests.services import (
    request_assign,
    request_reply,
    request_set_priority,
    request_submit,
    request_transition,
    route_assignee,
)
from staffdesk.requests.transitions import TRANSITIONS


@pytest.fixture
def filed(org):
    return request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)


def test_the_whole_path_and_its_timestamps(org, filed):
    agent = org.it_point
    for status in (
        "acknowledged",
        "in_progress",
        "waiting_on_requester",
        "in_progress",
        "resolved",
    ):
        filed = request_transition(request=filed, actor=agent, to_status=status)
    assert filed.acknowledged_at and filed.resolved_at and filed.closed_at is None
    filed = request_transition(request=filed, actor=org.requester, to_status="closed")
    assert filed.status == "closed" and filed.closed_at
    with pytest.raises(Conflict, match="allowed for you now: none"):
        request_transition(request=filed, actor=agent, to_status="in_progress")


@pytest.mark.parametrize("status", [s for s in Status.values if s not in ("closed", "cancelled")])
def test_every_state_but_the_final_ones_has_a_way_out(status):
    assert TRANSITIONS[status]


def test_cancel_from_any_open_state_by_the_requester(org):
    for path in (
        [],
        ["acknowledged"],
        ["acknowledged", "in_progress"],
        ["acknowledged", "waiting_on_requester"],
    ):
        item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
        for status in path:
            item = request_transition(request=item, actor=org.it_point, to_status=status)
        item = request_transition(request=item, actor=org.requester, to_status="cancelled")
        assert item.status == "cancelled"


def test_requester_reply_while_waiting_puts_it_back_in_progress(org, filed):
    request_transition(request=filed, actor=org.it_point, to_status="acknowledged")
    request_transition(request=filed, actor=org.it_point, to_status="waiting_on_requester")
    request_reply(request=filed, author=org.requester, body="Here is the cost centre: 4411")
    filed.refresh_from_db()
    assert filed.status == "in_progress"
    last = filed.events.order_by("-id").first()
    assert (last.kind, last.data["to"]) == ("status", "in_progress")


def test_timeline_records_actor_and_changes(org, filed):
    request_assign(request=filed, actor=org.it_lead, assignee=org.it_agent)
    request_set_priority(request=filed, actor=org.it_agent, priority=1)
    events = list(filed.events.order_by("id").values_list("kind", "actor__username", "data"))
    assert [(kind, actor) for kind, actor, _ in events] == [
        ("created", "rita"),
        ("assignment", None),
        ("assignment", "lee"),
        ("priority", "alex"),
    ]
    assert events[2][2]["to"] == org.it_agent.pk and events[3][2] == {"from": 3, "to": 1}


def test_reply_to_a_closed_request_is_refused(org, filed):
    request_transition(request=filed, actor=org.requester, to_status="cancelled")
    with pytest.raises(Conflict, match="file a new request"):
        request_reply(request=filed, author=org.requester, body="hello?")
    assert not filed.events.filter(kind=RequestEvent.Kind.REPLY).exists()


class TestRouting:
    today = date(2026, 11, 23)

    def test_point_person_first(self, org):
        assert route_assignee(service=org.laptop, on=self.today) == org.it_point

    def test_delegate_when_point_person_is_away(self, org):
        org.it_point.away_until = self.today
        org.it_point.delegate = org.it_agent
        org.it_point.save()
        assert route_assignee(service=org.laptop, on=self.today) == org.it_agent
        assert route_assignee(service=org.laptop, on=self.today + timedelta(days=1)) == org.it_point

    def test_backup_when_away_without_a_usable_delegate(self, org):
        org.it_point.away_until = self.today
        org.it_point.delegate = org.hr_agent  # not on the IT team: could not see the case
        org.it_point.save()
        assert route_assignee(service=org.laptop, on=self.today) == org.it_backup

    def test_queue_when_nobody_is_available(self, org):
        org.it_point.away_until = org.it_backup.away_until = self.today
        org.it_point.save()
        org.it_backup.save()
        assert route_assignee(service=org.laptop, on=self.today) is None
        org.it_point.is_active = False
        org.it_point.away_until = None
        org.it_point.save()
        assert route_assignee(service=org.laptop, on=self.today) is None

    def test_filing_uses_the_local_date(self, org):
        org.it_point.away_until = timezone.localdate()
        org.it_point.save()
        item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
        assert item.assignee == org.it_backup


def test_assignee_hears_of_the_requesters_moves_not_of_colleagues(org, filed):
    from staffdesk.notifications.models import Notification

    request_transition(request=filed, actor=org.it_agent, to_status="acknowledged")
    request_transition(request=filed, actor=org.it_agent, to_status="in_progress")
    assert (
        not Notification.objects.filter(recipient=org.it_point)
        .exclude(kind="request_assigned")
        .exists()
    )
    request_transition(request=filed, actor=org.requester, to_status="cancelled")
    told = Notification.objects.get(recipient=org.it_point, kind="request_cancelled")
    assert told.subject == "[IT-000001] Cancelled by the requester: New laptop"


def test_on_behalf_of_is_for_the_persons_lead_the_providing_team_and_admins(org):
    from staffdesk.core.errors import PermissionDenied
    from staffdesk.directory.models import Membership

    with pytest.raises(PermissionDenied, match="on someone else's behalf"):
        request_submit(
            requester=org.colleague,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            on_behalf_of=org.requester,
        )
    # Leading IT does not make Lee the lead of Finance people.
    with pytest.raises(PermissionDenied):
        request_submit(
            requester=org.it_lead,
            service=org.leave,
            answers={"reason": "x"},
            on_behalf_of=org.requester,
        )
    Membership.objects.create(person=org.colleague, department=org.fin, role="lead")
    for filer in (org.colleague, org.it_agent, org.admin):
        filer = type(filer).objects.get(pk=filer.pk)  # fresh: team roles are cached per object
        item = request_submit(
            requester=filer, service=org.laptop, answers=LAPTOP_ANSWERS, on_behalf_of=org.requester
        )
        assert item.on_behalf_of == org.requester
        assert item.requester_department == org.fin

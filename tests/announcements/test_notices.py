"""Service notices, the internal status board: posted and resolved by the providing team,
"I'm affected" instead of filing, requests filed anyway linked to the notice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.announcements.drafts import NoticeDraft
from staffdesk.announcements.models import Affected, ServiceNotice
from staffdesk.announcements.selectors import current_notices, status_board
from staffdesk.announcements.services.notices import (
    notice_affected,
    notice_post,
    notice_resolve,
)
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request
from staffdesk.requests.services import request_submit
from tests.announcements.helpers import rows, signed_in
from tests.factories import ServiceFactory


def _outage(org, *, by=None, services=None, now=None, title="Laptop orders are stuck"):
    return notice_post(
        author=by or org.it_agent,
        department=org.it,
        draft=NoticeDraft(
            kind=ServiceNotice.Kind.OUTAGE,
            title=title,
            message="The supplier's portal is down; orders wait.",
            services=services or [org.laptop],
            expected_end_at=(now or timezone.now()) + timedelta(hours=4),
        ),
        now=now,
    )


@pytest.fixture
def outage(org):
    return _outage(org)


def _told_resolved() -> list[str]:
    return sorted(
        Notification.objects.filter(kind="notice_resolved").values_list(
            "recipient__username", flat=True
        )
    )


def test_only_the_providing_team_and_admins_post_notices(org):
    for outsider in (org.requester, org.hr_agent):
        with pytest.raises(PermissionDenied):
            _outage(org, by=outsider)
    assert not ServiceNotice.objects.exists()
    assert _outage(org, by=org.it_point).author == org.it_point
    assert _outage(org, by=org.admin).author == org.admin


def test_the_web_form_is_403_for_someone_on_no_team(client, org):
    signed_in(client, org.requester)
    before = rows()
    form = {
        "department": org.it.pk,
        "kind": "outage",
        "title": "Down",
        "message": "All of it.",
        "services": [org.laptop.pk],
    }
    assert client.get(reverse("announcements:notice_new")).status_code == 403
    assert client.post(reverse("announcements:notice_new"), form).status_code == 403
    assert rows() == before


def test_a_notice_on_another_departments_service_is_a_422_naming_it(client, org):
    with pytest.raises(ValidationFailed) as refused:
        _outage(org, services=[org.laptop, org.leave])
    assert refused.value.errors == {
        "services": ["not a service of Information Technology: hr-leave"]
    }

    signed_in(client, org.it_agent)
    before = rows()
    response = client.post(
        reverse("announcements:notice_new"),
        {
            "department": org.it.pk,
            "kind": "outage",
            "title": "Leave is down",
            "message": "Not ours.",
            "services": [org.leave.pk],
        },
    )
    assert response.status_code == 422
    assert "services" in response.context["errors"]
    assert rows() == before


def test_a_notice_needs_a_title_a_message_a_service_and_an_end_after_its_start(org):
    with pytest.raises(ValidationFailed) as refused:
        notice_post(
            author=org.it_agent,
            department=org.it,
            draft=NoticeDraft(
                kind="meltdown",
                title=" ",
                message="",
                services=[],
                starts_at=timezone.now(),
                expected_end_at=timezone.now() - timedelta(minutes=1),
            ),
        )
    assert sorted(refused.value.errors) == [
        "expected_end_at",
        "kind",
        "message",
        "services",
        "title",
    ]
    assert not ServiceNotice.objects.exists()


def test_im_affected_is_counted_once(client, org, outage):
    signed_in(client, org.requester)
    form = reverse("requests:new", args=["it-laptop"])
    page = client.get(form).content.decode()
    assert "Laptop orders are stuck" in page and "I'm affected" in page

    for _ in range(2):
        pressed = client.post(
            reverse("announcements:affected", args=[outage.pk]),
            {"service": "it-laptop", "next": form},
        )
        assert pressed.status_code == 302 and pressed["Location"] == form
    notice_affected(user=org.colleague, notice=outage)
    notice_affected(user=org.colleague, notice=outage)

    assert Affected.objects.filter(notice=outage).count() == 2
    assert not Request.objects.exists()  # nobody filed
    assert "You are counted as affected" in client.get(form).content.decode()
    board = client.get(reverse("announcements:status")).content.decode()
    assert "2 affected (you too)" in board
    signed_in(client, org.it_agent)
    team_page = client.get(reverse("announcements:notice", args=[outage.pk])).content.decode()
    assert "Rita Requester" in team_page and "Colin Colleague" in team_page


def test_resolving_tells_each_affected_person_once(client, org, outage):
    notice_affected(user=org.requester, notice=outage)
    notice_affected(user=org.colleague, notice=outage)

    signed_in(client, org.unrelated)
    refused = client.post(
        reverse("announcements:notice_resolve", args=[outage.pk]),
        {"closing_message": "Fixed, I think."},
    )
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        notice_resolve(actor=org.hr_agent, notice=outage, closing_message="Done.")
    signed_in(client, org.it_backup)
    empty = client.post(reverse("announcements:notice_resolve", args=[outage.pk]), {})
    assert empty.status_code == 422
    assert ServiceNotice.objects.get(pk=outage.pk).resolved_at is None

    done = client.post(
        reverse("announcements:notice_resolve", args=[outage.pk]),
        {"closing_message": "The supplier's portal is back; orders flow."},
    )
    assert done.status_code == 302
    announcements_tick()
    announcements_tick()

    assert _told_resolved() == ["colin", "rita"]
    mail = Notification.objects.filter(kind="notice_resolved").first()
    assert "orders flow" in mail.body
    resolved = ServiceNotice.objects.get(pk=outage.pk)
    with pytest.raises(Conflict):
        notice_resolve(actor=org.it_agent, notice=resolved, closing_message="Again.")
    with pytest.raises(Conflict):
        notice_affected(user=org.unrelated, notice=resolved)


def test_filing_anyway_from_the_form_links_the_request_to_the_notice(client, org, outage):
    signed_in(client, org.requester)
    page = client.get(reverse("requests:new", args=["it-laptop"])).content.decode()
    assert f'name="notice" value="{outage.pk}"' in page

    response = client.post(
        reverse("requests:new", args=["it-laptop"]),
        {"answers.model": "standard", "answers.quantity": "1", "notice": str(outage.pk)},
    )

    assert response.status_code == 302
    assert Request.objects.get().notice == outage


def test_a_notice_of_another_service_is_refused_on_the_form(client, org, outage):
    printers = ServiceFactory(department=org.it, code="it-printer", name="Printer")
    other = _outage(org, services=[printers], title="Printers jam")
    signed_in(client, org.requester)
    before = rows()
    response = client.post(
        reverse("requests:new", args=["it-laptop"]),
        {"answers.model": "standard", "answers.quantity": "1", "notice": str(other.pk)},
    )
    assert response.status_code == 422
    assert "not a notice of this service" in response.content.decode()
    assert rows() == before


def test_a_request_filed_after_the_notice_ended_is_not_linked(client, org, outage):
    notice_resolve(actor=org.it_agent, notice=outage, closing_message="Back.")
    signed_in(client, org.requester)
    response = client.post(
        reverse("requests:new", args=["it-laptop"]),
        {"answers.model": "standard", "answers.quantity": "1", "notice": str(outage.pk)},
    )
    assert response.status_code == 302
    assert Request.objects.get().notice is None


def test_the_status_board_lists_current_notices_by_department_and_90_days_of_past_ones(client, org):
    now = timezone.now()
    current = _outage(org, title="Laptop orders are stuck", now=now)
    recent = _outage(org, title="Docking stations", now=now - timedelta(days=10, hours=3))
    notice_resolve(
        actor=org.it_agent,
        notice=recent,
        closing_message="Firmware rolled back.",
        now=now - timedelta(days=10),
    )
    old = _outage(org, title="Old VPN trouble", now=now - timedelta(days=120))
    notice_resolve(
        actor=org.it_agent, notice=old, closing_message="Done.", now=now - timedelta(days=119)
    )

    board = status_board(user=org.requester, now=now)

    assert {d: [n.title for n in ns] for d, ns in board.current.items()} == {
        "Information Technology": [current.title]
    }
    assert [n.title for n in board.past] == ["Docking stations"]
    signed_in(client, org.requester)
    page = client.get(reverse("announcements:status")).content.decode()
    assert "Information Technology" in page and "Docking stations" in page
    assert "3\xa0hours" in page  # how long it lasted
    assert "Old VPN trouble" not in page


def test_a_current_notice_shows_in_the_catalog_and_on_the_home_of_those_who_filed(
    client, org, outage
):
    request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    signed_in(client, org.requester)
    assert "Laptop orders are stuck" in client.get(reverse("home")).content.decode()
    catalog = client.get(reverse("catalog:index")).content.decode()
    assert f'href="{reverse("announcements:notice", args=[outage.pk])}"' in catalog
    signed_in(client, org.colleague)  # has filed nothing: not on the home page
    assert "Laptop orders are stuck" not in client.get(reverse("home")).content.decode()
    assert [n.pk for n in current_notices(user=org.colleague)] == [outage.pk]


def test_planned_maintenance_is_announced_ahead_but_counts_no_one_before_it_starts(client, org):
    start = timezone.now() + timedelta(days=2)
    planned = notice_post(
        author=org.it_agent,
        department=org.it,
        draft=NoticeDraft(
            kind=ServiceNotice.Kind.MAINTENANCE,
            title="Laptop imaging upgrade",
            message="No new laptops that morning.",
            services=[org.laptop],
            starts_at=start,
            expected_end_at=start + timedelta(hours=3),
        ),
    )
    signed_in(client, org.requester)
    form = client.get(reverse("requests:new", args=["it-laptop"])).content.decode()
    assert "Laptop imaging upgrade" in form
    assert "I'm affected" not in form and 'name="notice"' not in form
    assert "Starts" in client.get(reverse("announcements:status")).content.decode()
    pressed = client.post(reverse("announcements:affected", args=[planned.pk]))
    assert pressed.status_code == 409
    assert not Affected.objects.exists()

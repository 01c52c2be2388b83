"""The banner and "News for you" run compiled (`selectors._news_rows`): they must read
exactly what the ORM form of the same rule reads, for every kind of reader."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffdesk.announcements import selectors
from staffdesk.announcements.models import Announcement, audience_q
from staffdesk.announcements.services.announcements import announcement_acknowledge
from staffdesk.directory.models import Department, Person
from tests.announcements.helpers import announce, department, everyone, person, role, team
from tests.factories import PersonFactory


def _orm(user: Person, now, *, pending_only: bool) -> list[tuple]:
    found = selectors.with_my_marks(
        Announcement.objects.current(now).filter(audience_q(user)), user
    )
    if pending_only:
        found = found.filter(ack_required=True, pending=True).order_by(
            "ack_due_on", "-published_at", "-id"
        )
    else:
        found = found.order_by("-pending", "-unread", "-published_at", "-id")
    return list(found.values_list(*selectors.NEWS_COLUMNS)[: selectors.NEWS_READ])


@pytest.fixture
def news(org, fin_lead):
    payroll = Department.objects.create(code="PAY", name="Payroll", parent=org.fin)
    PersonFactory(username="paula", department=payroll)
    now = timezone.now()
    made = [
        announce(by=fin_lead, unit=org.fin, audience=[everyone()], ack_required=True),
        announce(
            by=fin_lead, unit=org.fin, audience=[department(org.fin, with_subdepartments=True)]
        ),
        announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)], ack_required=True),
        announce(by=fin_lead, unit=org.fin, audience=[team(org.it)], ack_required=True),
        announce(by=fin_lead, unit=org.fin, audience=[role("leads")]),
        announce(by=fin_lead, unit=org.fin, audience=[role("admins")], ack_required=True),
        announce(by=fin_lead, unit=org.fin, audience=[person(org.unrelated)], ack_required=True),
        announce(
            by=fin_lead,
            unit=org.fin,
            audience=[everyone()],
            publish_at=now + timedelta(hours=1),
        ),
    ]
    announcement_acknowledge(user=org.requester, announcement=made[0])
    return made


@pytest.mark.parametrize(
    "who",
    ["requester", "colleague", "unrelated", "it_agent", "it_lead", "hr_agent", "admin", "paula"],
)
@pytest.mark.parametrize("later", [False, True])
def test_compiled_news_and_banner_read_what_the_orm_reads(org, news, who, later):
    user = Person.objects.get(username="paula") if who == "paula" else getattr(org, who)
    now = timezone.now() + (timedelta(hours=2) if later else timedelta(0))
    for pending_only in (False, True):
        fresh = Person.objects.get(pk=user.pk)  # team roles read again, as on a request
        compiled = [
            tuple(vars(item).values())
            for item in selectors._news_rows(fresh, now, pending_only=pending_only)
        ]
        assert compiled == _orm(Person.objects.get(pk=user.pk), now, pending_only=pending_only)
        if not pending_only:
            assert compiled  # everyone reads the announcement to everyone at least

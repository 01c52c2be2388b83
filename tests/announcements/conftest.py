"""Fixtures of the announcements tests: Finance gets a lead who publishes for it."""

from __future__ import annotations

import pytest

from staffdesk.announcements.drafts import Audience, Draft
from staffdesk.announcements.models import AudienceRule
from staffdesk.announcements.services.announcements import (
    announcement_create,
    announcement_publish,
)
from staffdesk.directory.models import Membership
from staffdesk.directory.services import department_set_lead
from tests.factories import PersonFactory


@pytest.fixture
def fin_lead(org):
    lead = PersonFactory(username="fiona", first_name="Fiona", last_name="Lead", department=org.fin)
    department_set_lead(department=org.fin, lead=lead)
    assert Membership.objects.filter(person=lead, department=org.fin, role="lead").exists()
    return lead


def finance_draft(**changes) -> Draft:
    values = {
        "title": "New expense policy",
        "body": "From **January**, receipts are scanned. [Read more](https://city.example/policy).",
        "audience": [Audience(kind=AudienceRule.Kind.DEPARTMENT, department=None)],
        "ack_required": True,
    }
    values.update(changes)
    return Draft(**values)


@pytest.fixture
def published(org, fin_lead):
    """A required announcement from Finance to Finance, published."""
    draft = finance_draft(
        audience=[Audience(kind=AudienceRule.Kind.DEPARTMENT, department=org.fin)]
    )
    created = announcement_create(author=fin_lead, department=org.fin, draft=draft)
    return announcement_publish(actor=fin_lead, announcement=created)

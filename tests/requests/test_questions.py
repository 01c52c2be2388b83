"""Asking a question of an information-only service: a request of that service, routed to
the point person named on its page, in the team's queue, on the clock, notified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.catalog.models import Service
from staffdesk.core.errors import ValidationFailed
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import RequestFilters, request_list
from staffdesk.requests.services import request_ask, request_submit
from tests.factories import ServiceFactory


@pytest.fixture
def guest_wifi(org) -> Service:
    return ServiceFactory(
        department=org.it,
        code="it-guest-wifi",
        name="Guest Wi-Fi",
        description="Visitors connect to City-Guest.",
        fulfilment=Service.Fulfilment.INFORMATION,
        point_person=org.it_agent,
        backup=org.it_backup,
    )


def test_a_question_goes_to_the_point_person_on_the_clock(org, agreement, guest_wifi):
    asked = request_ask(
        requester=org.requester,
        service=guest_wifi,
        question="Can a visitor stay connected for a two-day workshop?\nAbout 60 people.",
    )

    assert asked.service == guest_wifi and asked.department == org.it
    assert asked.assignee == org.it_agent
    assert asked.subject == "Question: Can a visitor stay connected for a two-day workshop?"
    assert asked.description.endswith("About 60 people.")
    assert asked.sla_agreement == agreement and asked.response_due_at is not None
    queue = request_list(user=org.it_agent, filters=RequestFilters(assignee="me"))
    assert list(queue) == [asked]
    told = Notification.objects.get(recipient=org.it_agent)
    assert told.kind == "request_assigned" and asked.number in told.body
    assert asked in request_list(user=org.requester, filters=RequestFilters(requester="me"))


def test_an_away_point_person_s_questions_go_to_the_backup(org, guest_wifi):
    org.it_agent.away_until = timezone.localdate() + timedelta(days=3)
    org.it_agent.save()

    asked = request_ask(requester=org.requester, service=guest_wifi, question="How long?")

    assert asked.assignee == org.it_backup


def test_a_long_first_line_makes_a_short_subject(org, guest_wifi):
    asked = request_ask(requester=org.requester, service=guest_wifi, question="word " * 40)

    assert len(asked.subject) < 100 and asked.subject.endswith("word…")


@pytest.mark.parametrize(
    ("question", "message"), [("  ", "write your question"), ("x" * 2001, "at most 2,000")]
)
def test_a_question_needs_words_within_a_limit(org, guest_wifi, question, message):
    with pytest.raises(ValidationFailed) as refused:
        request_ask(requester=org.requester, service=guest_wifi, question=question)

    assert message in refused.value.errors["question"][0]
    assert not Request.objects.exists()


def test_only_information_services_take_questions(org, guest_wifi):
    with pytest.raises(ValidationFailed) as refused:
        request_ask(requester=org.requester, service=org.laptop, question="Which model?")
    assert "file the request instead" in refused.value.errors["service"][0]

    # Filing an information-only service the usual way is still refused.
    with pytest.raises(ValidationFailed):
        request_submit(requester=org.requester, service=guest_wifi, answers={})
    assert request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)

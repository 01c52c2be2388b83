"""Surveys follow the request: scheduled when it is resolved (never when it is cancelled), for
the requester and the person it was filed for, opened one business hour later, mailed once a
day at most, withdrawn by a reopen unless answered, and asked again at the next resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from staffdesk.feedback.models import Survey
from staffdesk.feedback.services.surveys import KIND, surveys_open_due
from staffdesk.notifications.models import Notification
from staffdesk.requests.services import request_transition
from tests.factories import AgreementFactory, PersonFactory
from tests.feedback.survey_helpers import (
    at,
    deliver,
    file_laptop,
    finance_lead,
    invitations,
    links,
    open_surveys,
    reopen,
    resolve,
    survey_mails,
    survey_of,
)

Status = Survey.Status


def test_a_resolution_schedules_a_survey_an_hour_later_and_the_worker_opens_it(org):
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    survey = survey_of(org.requester, item)
    assert (survey.status, survey.due_at) == (Status.SCHEDULED, at(11, 11))
    assert (survey.department, survey.service, survey.agent) == (org.it, org.laptop, org.it_point)
    assert invitations(org.requester) == []

    assert open_surveys(at(11, 10, 59)) == 0
    assert open_surveys(at(11, 11)) == 1
    survey.refresh_from_db()
    assert survey.status == Status.OPEN
    assert survey.opened_at == at(11, 11)
    assert survey.closes_at == at(11, 11) + timedelta(days=14)
    assert survey.mailed
    [told] = invitations(org.requester)
    assert told.url == f"/feedback/surveys/{survey.pk}/"
    assert told.subject == f"How did we do? {item.number}: Docking station flickers"
    assert told.email_status == Notification.EmailStatus.PENDING
    assert open_surveys(at(11, 12)) == 0  # opened once


def test_a_cancelled_request_gets_no_survey(org):
    item = file_laptop(org, now=at(11, 9))
    request_transition(request=item, actor=org.it_agent, to_status="cancelled", now=at(11, 10))
    assert not Survey.objects.exists()
    assert open_surveys(at(12, 10)) == 0
    assert invitations(org.requester) == []


def test_the_delay_counts_business_time_a_friday_evening_resolution_opens_on_monday(org):
    """The organization's week (Monday to Friday, 9 to 17, New York) without an agreement."""
    item = file_laptop(org, now=at(15, 9))
    resolve(item, by=org.it_agent, now=at(15, 16, 50))  # Friday
    survey = survey_of(org.requester, item)
    assert survey.due_at == at(18, 9, 50)  # Monday: 10 minutes on Friday, 50 on Monday
    assert open_surveys(at(16, 12)) == 0  # Saturday
    assert open_surveys(at(18, 9, 49)) == 0
    assert open_surveys(at(18, 9, 50)) == 1


def test_the_delay_counts_in_the_requests_agreement_calendar(org, settings):
    AgreementFactory(name="IT for everyone", provider=org.it)  # Mon-Fri 08:00-18:00
    settings.STAFFDESK_SURVEY_DELAY_MINUTES = 30
    item = file_laptop(org, now=at(15, 9))
    assert item.sla_agreement is not None
    resolve(item, by=org.it_agent, now=at(15, 17, 50))
    assert survey_of(org.requester, item).due_at == at(18, 8, 20)


def test_the_requester_and_the_person_it_is_for_each_get_one(org):
    lead = finance_lead(org)
    item = file_laptop(org, now=at(11, 9), requester=lead, on_behalf_of=org.colleague)
    resolve(item, by=org.it_agent, now=at(11, 10))
    assert open_surveys(at(11, 11)) == 2
    assert [s.person for s in Survey.objects.order_by("person__username")] == [
        org.colleague,
        lead,
    ]
    assert len(invitations(lead)) == len(invitations(org.colleague)) == 1
    # Filed for oneself: one survey.
    own = file_laptop(org, now=at(11, 9), on_behalf_of=org.requester)
    resolve(own, by=org.it_agent, now=at(11, 10))
    assert Survey.objects.filter(request=own).count() == 1


def test_nobody_who_left_is_asked(org):
    lead = finance_lead(org)
    item = file_laptop(org, now=at(11, 9), requester=lead, on_behalf_of=org.colleague)
    org.colleague.is_active = False
    org.colleague.save()
    resolve(item, by=org.it_agent, now=at(11, 10))
    assert [s.person for s in Survey.objects.all()] == [lead]
    # Someone who leaves before their survey opens is not asked either.
    lead.is_active = False
    lead.save()
    assert open_surveys(at(11, 12)) == 0
    assert survey_of(lead, item).status == Status.WITHDRAWN
    assert invitations(lead) == []


def test_one_mail_a_person_a_day_the_next_surveys_are_in_app_only(org, smtp_server):
    first = file_laptop(org, now=at(11, 9), subject="Docking station flickers")
    second = file_laptop(org, now=at(11, 9), subject="Mouse is gone")
    resolve(first, by=org.it_agent, now=at(11, 10))
    resolve(second, by=org.it_agent, now=at(11, 10, 30))
    assert open_surveys(at(11, 11)) == 1
    assert open_surveys(at(11, 11, 30)) == 1
    mailed, in_app = invitations(org.requester)
    assert mailed.email_status == Notification.EmailStatus.PENDING
    assert in_app.email_status == Notification.EmailStatus.SKIPPED
    assert [survey_of(org.requester, r).mailed for r in (first, second)] == [True, False]
    deliver(at(11, 12))
    [mail] = survey_mails(smtp_server, org.requester)
    assert first.number in mail["Subject"] and len(links(mail)) == 5
    # Both are waiting in "Rate your resolved requests"; a new day mails again.
    third = file_laptop(org, now=at(12, 9), subject="Screen flickers")
    resolve(third, by=org.it_agent, now=at(12, 10))
    assert open_surveys(at(12, 11)) == 1
    assert survey_of(org.requester, third).mailed


def test_two_due_at_once_for_the_same_person_mail_one(org):
    items = [file_laptop(org, now=at(11, 9), subject=f"Thing {n}") for n in range(3)]
    for item in items:
        resolve(item, by=org.it_agent, now=at(11, 10))
    assert open_surveys(at(11, 11)) == 3
    statuses = [n.email_status for n in invitations(org.requester)]
    assert statuses.count(Notification.EmailStatus.PENDING) == 1
    assert Survey.objects.filter(mailed=True).count() == 1


def test_a_person_who_turned_survey_mail_off_is_told_in_app(org):
    from staffdesk.notifications.services import notification_preferences_set

    notification_preferences_set(person=org.requester, email_by_kind={KIND: False})
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    assert open_surveys(at(11, 11)) == 1
    assert not survey_of(org.requester, item).mailed
    assert [n.email_status for n in invitations(org.requester)] == ["skipped"]


def test_a_reopen_withdraws_the_unanswered_survey_and_keeps_the_answered_one(org):
    from staffdesk.feedback.services.surveys import survey_rate

    lead = finance_lead(org)
    item = file_laptop(org, now=at(11, 9), requester=lead, on_behalf_of=org.colleague)
    resolve(item, by=org.it_agent, now=at(11, 10))
    open_surveys(at(11, 11))
    survey_rate(survey=survey_of(org.colleague, item), person=org.colleague, rating=4)
    reopen(item, by=lead, now=at(11, 14))
    assert survey_of(lead, item).status == Status.WITHDRAWN
    answered = survey_of(org.colleague, item)
    assert (answered.status, answered.rating) == (Status.OPEN, 4)

    # The next resolution asks both again, with new surveys.
    resolve(item, by=org.it_agent, now=at(12, 10))
    assert Survey.objects.filter(request=item).count() == 4
    assert open_surveys(at(12, 11)) == 2
    again = survey_of(org.colleague, item)
    assert (again.status, again.resolved_at, again.rating) == (Status.OPEN, at(12, 10), None)
    assert len(invitations(lead)) == len(invitations(org.colleague)) == 2


def test_a_reopen_before_the_survey_opens_withdraws_it_so_nobody_is_asked(org):
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    reopen(item, by=org.it_agent, now=at(11, 10, 30))
    assert open_surveys(at(11, 12)) == 0
    assert survey_of(org.requester, item).status == Status.WITHDRAWN
    assert invitations(org.requester) == []


def test_a_survey_of_a_request_no_longer_resolved_is_not_opened(org):
    """Written by hand or by an older release: the worker checks the request at opening."""
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    type(item).objects.filter(pk=item.pk).update(status="in_progress")
    assert open_surveys(at(11, 12)) == 0
    assert survey_of(org.requester, item).status == Status.WITHDRAWN


def test_closing_the_request_keeps_its_survey(org):
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    request_transition(request=item, actor=org.requester, to_status="closed", now=at(11, 10, 5))
    assert open_surveys(at(11, 11)) == 1
    assert survey_of(org.requester, item).status == Status.OPEN


def test_the_tick_with_nothing_due_is_one_query(org, django_assert_num_queries):
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    with django_assert_num_queries(1):
        assert surveys_open_due(now=at(11, 10, 30)) == 0
    open_surveys(at(11, 11))
    with django_assert_num_queries(1):
        assert surveys_open_due(now=at(11, 12)) == 0


def test_the_worker_opens_what_is_due_by_the_clock(org):
    item = file_laptop(org, now=at(11, 9))
    resolve(item, by=org.it_agent, now=at(11, 10))
    with time_machine.travel(at(11, 11, 1), tick=False):
        assert surveys_open_due() == 1
    assert survey_of(org.requester, item).opened_at == at(11, 11, 1)


@pytest.mark.parametrize("batch_size", [1, 2])
def test_the_worker_opens_a_backlog_batch_after_batch(org, batch_size):
    people = [PersonFactory(username=f"p{n}", department=org.fin) for n in range(5)]
    for person in people:
        resolve(file_laptop(org, now=at(11, 9), requester=person), by=org.it_agent, now=at(11, 10))
    assert surveys_open_due(now=at(11, 11), batch_size=batch_size) == 5
    assert not Survey.objects.filter(status=Status.SCHEDULED).exists()
    assert Notification.objects.filter(kind=KIND).count() == 5

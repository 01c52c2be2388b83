"""The demo's news and service notices: every feature of announcements is there on `make run`."""

from __future__ import annotations

import os
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from staffdesk.announcements.models import (
    Acknowledgement,
    Announcement,
    Broadcast,
    Question,
    Receipt,
    ServiceNotice,
)
from staffdesk.announcements.selectors import (
    news_for,
    notices_for_services,
    pending_of,
    receipt_report,
    status_board,
)
from staffdesk.directory.models import Person
from staffdesk.notifications.models import Notification


def test_the_demo_has_news_and_notices_in_every_state(db):
    started = timezone.now()
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    finished = timezone.now()
    employee = Person.objects.get(username="employee")
    announcements = Announcement.objects.select_related("department")
    by_status = {status: announcements.filter(status=status) for status in Announcement.Status}

    # A required announcement to everyone, partly acknowledged across departments: some
    # acknowledged (version 1 before an edit, version 2 after it), some only opened it, the
    # rest (the employee sign-in among them) still pending, with the banner on every page.
    required = by_status["published"].get(ack_required=True)
    acknowledged = Acknowledgement.objects.filter(announcement=required)
    assert acknowledged.values("person__department").distinct().count() >= 5
    assert set(acknowledged.values_list("version", flat=True)) == {1, 2}
    assert required.version == 2 and required.ack_version == 1
    viewed_only = Receipt.objects.filter(announcement=required, viewed_at__isnull=False).exclude(
        person__in=acknowledged.values("person")
    )
    assert viewed_only.count() >= 5
    assert employee in pending_of(required)
    report = receipt_report(user=required.department.lead, announcement=required)
    assert len(report.rows) >= 8
    assert 0 < report.total.acknowledged < report.total.viewed < report.total.audience
    assert [item.pk for item in news_for(user=employee).pending] == [required.pk]
    home = Client()
    home.force_login(employee)
    page = home.get("/").content.decode()
    assert "Please read and acknowledge" in page and "News for you" in page

    # One with public and private questions, one of them answered (and its asker told).
    questions = Question.objects.filter(announcement__status="published")
    asked_on = {question.announcement_id for question in questions}
    assert len(asked_on) == 1
    assert {question.is_public for question in questions} == {True, False}
    answered = questions.exclude(answer="")
    assert answered.count() == 1
    assert Notification.objects.filter(
        recipient=answered.get().asker, kind="announcement_question"
    ).exists()

    # A scheduled one (the worker publishes it later) and a draft.
    scheduled = by_status["scheduled"].get()
    assert scheduled.publish_at > finished
    assert Broadcast.objects.get(announcement=scheduled).due_at == scheduled.publish_at
    assert by_status["draft"].exists()

    # A current IT outage, several people affected (the employee too, on the VPN form), and
    # a notice resolved days ago with its closing message, whose affected were told then.
    board = status_board(user=employee)
    outages = [
        notice
        for notice in board.current["Information Technology"]
        if notice.kind == ServiceNotice.Kind.OUTAGE
    ]
    assert len(outages) == 1 and outages[0].affected_count >= 5
    vpn = outages[0].service_list[0]
    assert outages[0] in notices_for_services(user=employee, service_ids=[vpn.pk])[vpn.pk]
    assert outages[0].affected.filter(person=employee).exists()
    (resolved,) = board.past
    assert resolved.closing_message and resolved.affected_count >= 3
    assert resolved.resolved_at < started - timedelta(days=2)
    told = Notification.objects.filter(kind="notice_resolved", url__endswith=f"/{resolved.pk}")
    assert told.count() == resolved.affected_count
    assert {n.created_at for n in told} == {resolved.resolved_at}

    # All of it happened before the present, as a worker running then would have done it:
    # nothing is left for the worker but the scheduled publication, and nothing is mailed.
    assert not Broadcast.objects.filter(due_at__lte=finished).exists()
    assert Announcement.objects.filter(published_at__gte=started).get() == scheduled
    assert not Receipt.objects.filter(viewed_at__gte=started).exists()
    assert not Acknowledgement.objects.filter(acknowledged_at__gte=started).exists()
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()

"""The notification outbox, delivered to a real SMTP server on loopback (no mocks of SMTP)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction

from conftest import LAPTOP_ANSWERS
from staffdesk.config import worker
from staffdesk.core import clock
from staffdesk.directory.models import Person
from staffdesk.notifications.email import message_id
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import (
    CLAIM_SECONDS,
    MAX_EMAIL_ATTEMPTS,
    notification_create,
    notification_deliver_due,
    retry_delay,
)
from staffdesk.requests.models import Request
from staffdesk.requests.services import (
    request_add_note,
    request_assign,
    request_reply,
    request_submit,
    request_transition,
)
from tests.smtp import SmtpSink

RITA = "rita@city.example"
PETE = "pete@city.example"


def file_laptop(org, *, requester: Person | None = None, now: datetime | None = None) -> Request:
    """Rita (by default) asks IT for a laptop; it is routed to Pete, the point person."""
    return request_submit(
        requester=requester or org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        description="My laptop died",
        now=now,
    )


def mails_to(sink: SmtpSink, address: str) -> list:
    return [m for m in sink.messages if m["To"] == address]


def kinds_for(person: Person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person).order_by("id").values_list("kind", flat=True)
    )


# --- Email: content, threading, transactions -------------------------------------------------


def test_reply_is_written_with_the_change_and_mailed_once_threaded(org, smtp_server, settings):
    settings.STAFFDESK_BASE_URL = "http://127.0.0.1:8000"
    request = file_laptop(org)
    with transaction.atomic():
        request_reply(request=request, author=org.it_agent, body="Which model do you need?")
        # Written by the reply's own transaction, before anything commits.
        written = Notification.objects.get(recipient=org.requester)
    assert written.kind == "request_reply"
    assert written.email_status == Notification.EmailStatus.PENDING

    assert notification_deliver_due() == 2  # Rita's reply and Pete's assignment
    [mail] = mails_to(smtp_server, RITA)
    assert "IT-000001" in mail["Subject"]
    assert (
        mail["Message-ID"]
        == f"<staffdesk.notification.{written.pk}@{settings.STAFFDESK_MAIL_DOMAIN}>"
    )
    thread = f"<staffdesk.request.IT-000001@{settings.STAFFDESK_MAIL_DOMAIN}>"
    assert mail["References"] == thread
    assert mail["In-Reply-To"] == thread
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_content()
    assert "http://127.0.0.1:8000/requests/IT-000001" in body
    assert "Which model do you need?" in body

    written.refresh_from_db()
    assert written.email_status == Notification.EmailStatus.SENT
    assert written.email_sent_at is not None
    assert written.email_attempts == 1

    # A second notification on the same request threads onto the first mail.
    request_transition(request=request, actor=org.it_agent, to_status="acknowledged")
    assert notification_deliver_due() == 1
    first, second = mails_to(smtp_server, RITA)
    assert second["Message-ID"] != first["Message-ID"]
    assert second["References"] == first["References"] == thread
    assert second["In-Reply-To"] == first["In-Reply-To"] == thread


def test_a_line_break_in_a_subject_does_not_block_its_mail(org, smtp_server):
    # Filing refuses such subjects; the mail channel still folds them, whatever the source.
    notification_create(
        recipient=org.it_point,
        kind="test",
        body="Hi",
        subject="[IT-000001] Assigned to you: Laptop\nBcc: eve@evil.example",
    )
    assert notification_deliver_due() == 1
    [mail] = smtp_server.messages
    assert mail["Subject"] == "[IT-000001] Assigned to you: Laptop Bcc: eve@evil.example"
    assert mail["Bcc"] is None
    assert mail["To"] == PETE


def test_no_mail_for_someone_who_left_or_lost_their_address_meanwhile(org, smtp_server):
    left = notification_create(recipient=org.colleague, kind="test", subject="Hi", body="Hi")
    org.colleague.is_active = False
    org.colleague.save(update_fields=["is_active"])
    no_address = notification_create(recipient=org.unrelated, kind="test", subject="Hi", body="Hi")
    org.unrelated.email = ""
    org.unrelated.save(update_fields=["email"])

    assert notification_deliver_due() == 0
    for row in (left, no_address):
        row.refresh_from_db()
        assert row.email_status == Notification.EmailStatus.SKIPPED
        assert row.email_sent_at is None
    assert smtp_server.messages == []


def test_a_rolled_back_filing_writes_and_sends_nothing(transactional_db, org, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        file_laptop(org)
        assert Notification.objects.exists()  # Pete's assignment, inside the transaction
        raise RuntimeError("something after the service failed")

    assert not Request.objects.exists()
    assert not Notification.objects.exists()
    assert notification_deliver_due() == 0
    assert smtp_server.messages == []


def test_a_rolled_back_reply_writes_and_sends_nothing(transactional_db, org, smtp_server):
    request = file_laptop(org)
    assert notification_deliver_due() == 1  # Pete's assignment
    with pytest.raises(RuntimeError), transaction.atomic():
        request_reply(request=request, author=org.it_point, body="On it")
        raise RuntimeError("something after the service failed")

    assert not Notification.objects.filter(recipient=org.requester).exists()
    assert notification_deliver_due() == 0
    assert mails_to(smtp_server, RITA) == []
    assert len(smtp_server.messages) == 1


def test_a_backlog_goes_out_in_one_smtp_session_in_one_call(org, smtp_server):
    people = [org.requester, org.colleague, org.unrelated, org.it_agent]
    for n in range(120):
        notification_create(recipient=people[n % 4], kind="test", subject=f"Note {n}", body="Hi")
    # Out of time after the first batch: the rest waits for the next tick.
    assert notification_deliver_due(batch_size=50, seconds=0) == 50
    # Batches of 50 rows, one after another until none is due, over one connection.
    assert notification_deliver_due(batch_size=50) == 70
    received = smtp_server.messages
    assert sorted(m["Subject"] for m in received) == sorted(f"Note {n}" for n in range(120))
    assert Counter(m["X-Test-Session"] for m in received) == {"1": 50, "2": 70}
    assert notification_deliver_due() == 0


def test_a_refused_mail_does_not_stop_the_others(org, smtp_server):
    for n in range(5):
        notification_create(recipient=org.requester, kind="test", subject=f"Note {n}", body="Hi")
    smtp_server.refused_subjects = {"Note 2"}
    assert notification_deliver_due() == 4
    refused = Notification.objects.get(subject="Note 2")
    assert (refused.email_status, refused.email_attempts) == ("pending", 1)
    assert refused.email_last_error.startswith("SMTPDataError")
    received = smtp_server.messages
    assert [m["Subject"] for m in received] == ["Note 0", "Note 1", "Note 3", "Note 4"]
    # The failure ended that session; the next mails went out on a new one.
    assert [m["X-Test-Session"] for m in received] == ["1", "1", "2", "2"]


# --- Retries ---------------------------------------------------------------------------------


def test_smtp_down_then_back_delivers_exactly_once(org, smtp_server):
    t0 = clock.now()
    request = file_laptop(org, now=t0)
    assert notification_deliver_due(now=t0) == 1  # Pete's assignment, while SMTP is up

    smtp_server.stop()
    request_reply(request=request, author=org.it_point, body="On it", now=t0)
    assert notification_deliver_due(now=t0) == 0
    row = Notification.objects.get(recipient=org.requester)
    assert row.email_status == Notification.EmailStatus.PENDING
    assert row.email_attempts == 1
    assert row.email_last_error  # e.g. "ConnectionRefusedError: [Errno 111] ..."
    assert row.email_next_attempt_at == t0 + retry_delay(1) == t0 + timedelta(seconds=30)
    assert row.email_claimed_until is None

    # Before the retry time: no attempt, nothing counted (SMTP would be reachable now).
    smtp_server.start()
    assert notification_deliver_due(now=t0 + timedelta(seconds=29)) == 0
    row.refresh_from_db()
    assert row.email_attempts == 1
    assert mails_to(smtp_server, RITA) == []

    assert notification_deliver_due(now=t0 + timedelta(seconds=31)) == 1
    assert len(mails_to(smtp_server, RITA)) == 1
    row.refresh_from_db()
    assert row.email_status == Notification.EmailStatus.SENT
    assert row.email_attempts == 2
    assert row.email_last_error == ""

    for later in (timedelta(seconds=31), timedelta(minutes=5), timedelta(days=2)):
        assert notification_deliver_due(now=t0 + later) == 0
    assert notification_deliver_due() == 0
    assert len(mails_to(smtp_server, RITA)) == 1
    assert len(smtp_server.messages) == 2


def test_retries_back_off_then_give_up_keeping_the_last_error(org, smtp_server):
    smtp_server.stop()
    t0 = clock.now()
    row = notification_create(
        recipient=org.requester, kind="test", subject="Hello", body="Hi", now=t0
    )
    moment = t0
    for attempt in range(1, MAX_EMAIL_ATTEMPTS + 1):
        assert notification_deliver_due(now=moment) == 0
        row.refresh_from_db()
        assert row.email_attempts == attempt
        assert row.email_next_attempt_at == moment + retry_delay(attempt)
        moment = row.email_next_attempt_at
    assert row.email_status == Notification.EmailStatus.FAILED
    assert "ConnectionRefusedError" in row.email_last_error
    assert retry_delay(MAX_EMAIL_ATTEMPTS) == timedelta(hours=1)  # the cap

    # Given up means given up, even once SMTP is back.
    smtp_server.start()
    assert notification_deliver_due(now=moment + timedelta(days=1)) == 0
    row.refresh_from_db()
    assert row.email_attempts == MAX_EMAIL_ATTEMPTS
    assert smtp_server.messages == []


# --- Concurrency and the worker loop ---------------------------------------------------------


def test_two_workers_racing_mail_each_notification_exactly_once(transactional_db, org, smtp_server):
    people = [org.requester, org.colleague, org.unrelated, org.it_agent]
    for n in range(20):
        notification_create(
            recipient=people[n % len(people)], kind="test", subject=f"Note {n}", body="Hi"
        )
    moment = clock.now()
    start = threading.Barrier(2)
    sent: list[int] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait(timeout=10)
            sent.append(notification_deliver_due(now=moment))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert not errors
    assert sum(sent) == 20

    by_message_id = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(by_message_id) == 20
    assert set(by_message_id.values()) == {1}
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_slow_smtp_server_does_not_let_another_worker_resend(transactional_db, org, smtp_server):
    """A batch can outlast CLAIM_SECONDS; each row it sends must still be leased to it."""
    first = notification_create(recipient=org.requester, kind="test", subject="First", body="Hi")
    second = notification_create(recipient=org.colleague, kind="test", subject="Second", body="Hi")
    other_worker: list[int] = []

    def deliver_in_another_worker() -> int:
        try:
            return notification_deliver_due()
        finally:
            connection.close()

    with time_machine.travel(clock.now()) as traveller:

        async def slow_server(message) -> None:
            if message["Message-ID"] == message_id(first):
                # Accepting the first mail took longer than a whole lease...
                traveller.shift(timedelta(seconds=CLAIM_SECONDS + 60))
            elif message["Message-ID"] == message_id(second) and not other_worker:
                other_worker.append(-1)
                # ...and while the first worker waits for "250" on the second mail, another
                # worker looks for due rows.
                loop = asyncio.get_running_loop()
                other_worker[0] = await loop.run_in_executor(None, deliver_in_another_worker)

        smtp_server.on_message = slow_server
        assert notification_deliver_due() == 2

    assert other_worker == [0]
    by_message_id = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert by_message_id == {message_id(first): 1, message_id(second): 1}
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_worker_loop_delivers_what_the_web_writes(transactional_db, org, smtp_server):
    stop = threading.Event()
    loop = threading.Thread(target=worker.run, args=(stop,), kwargs={"interval": 0.1})
    loop.start()
    try:
        request = file_laptop(org)
        request_reply(request=request, author=org.it_point, body="On it")
        received = smtp_server.wait_for(2)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    assert sorted(m["To"] for m in received) == [PETE, RITA]
    assert len(smtp_server.messages) == 2
    assert not Notification.objects.filter(email_status="pending").exists()


# --- Who is told what --------------------------------------------------------------------------


def test_requester_is_told_of_acknowledgement_waiting_replies_and_resolution(org):
    request = file_laptop(org)
    pete = org.it_point
    request_transition(request=request, actor=pete, to_status="acknowledged")
    request_transition(request=request, actor=pete, to_status="waiting_on_requester")
    request_reply(request=request, author=pete, body="Which model?")
    request_reply(request=request, author=org.requester, body="The standard one")
    request_transition(request=request, actor=pete, to_status="resolved")

    assert kinds_for(org.requester) == [
        "request_acknowledged",
        "request_waiting_on_requester",
        "request_reply",
        "request_resolved",
    ]
    # Pete is told of the routing and of Rita's reply, never of his own actions.
    assert kinds_for(pete) == ["request_assigned", "request_reply"]
    for notification in Notification.objects.filter(recipient=org.requester):
        assert notification.subject.startswith("[IT-000001] ")
        assert notification.url == "/requests/IT-000001"


def test_agent_is_told_when_work_is_assigned_to_them(org):
    request = file_laptop(org)
    assert kinds_for(org.it_point) == ["request_assigned"]

    request_assign(request=request, actor=org.it_point, assignee=org.it_agent)
    assert kinds_for(org.it_agent) == ["request_assigned"]
    assert "Pete Point assigned IT-000001" in Notification.objects.get(recipient=org.it_agent).body
    assert kinds_for(org.requester) == []


def test_the_actor_never_notifies_themselves(org):
    # Pete files a request for his own service: it is routed to him, and he is not told.
    own = file_laptop(org, requester=org.it_point)
    assert own.assignee == org.it_point
    request_assign(request=own, actor=org.it_lead, assignee=org.it_lead)
    request_reply(request=own, author=org.it_lead, body="Taking this one")
    request_transition(request=own, actor=org.it_lead, to_status="resolved")

    assert kinds_for(org.it_lead) == []
    # Pete is the requester now: told of the reply and the resolution, by Lee.
    assert kinds_for(org.it_point) == ["request_reply", "request_resolved"]


def test_internal_notes_notify_no_requester(org):
    request = file_laptop(org)
    before = Notification.objects.count()
    request_add_note(request=request, author=org.it_point, body="Check the stock first")
    request_add_note(request=request, author=org.it_agent, body="Two left in the locker")
    assert Notification.objects.count() == before
    assert kinds_for(org.requester) == []


# --- In-app --------------------------------------------------------------------------------------


def test_in_app_list_and_mark_read_over_http(org, api):
    request = file_laptop(org)
    request_reply(request=request, author=org.it_point, body="On it")
    request_transition(request=request, actor=org.it_point, to_status="acknowledged")
    petes = Notification.objects.get(recipient=org.it_point)
    rita = api(org.requester)

    listed = rita.get("/me/notifications")
    assert listed.status_code == 200, listed.text
    items = listed.json()
    assert [i["kind"] for i in items] == ["request_acknowledged", "request_reply"]
    assert petes.pk not in {i["id"] for i in items}

    reply = next(i for i in items if i["kind"] == "request_reply")
    marked = rita.post(f"/me/notifications/{reply['id']}/read")
    assert marked.status_code == 200, marked.text
    assert marked.json()["read_at"] is not None
    unread = rita.get("/me/notifications", params={"unread": True}).json()
    assert [i["kind"] for i in unread] == ["request_acknowledged"]

    # Someone else's notification is not found, and stays unread.
    assert rita.post(f"/me/notifications/{petes.pk}/read").status_code == 404
    petes.refresh_from_db()
    assert petes.read_at is None

    # The navigation's count (a compiled statement) is the inbox's, for each of them.
    from staffdesk.notifications.selectors import notification_list, unread_count

    Notification.objects.filter(pk=petes.pk).update(shared_with_admins=True)
    for person in (org.requester, org.it_point, org.admin):
        expected = notification_list(user=person, unread_only=True).count()
        assert unread_count(user=person) == expected
    assert (unread_count(user=org.requester), unread_count(user=org.it_point)) == (1, 1)
    assert unread_count(user=org.admin) == 0  # shared with admins, but not their inbox

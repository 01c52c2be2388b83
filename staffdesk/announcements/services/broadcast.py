"""The worker's fan-out: notifying an announcement's audience (or a notice's affected people)
a batch at a time.

A batch is one transaction: the recipients after the broadcast's cursor (by person id),
their notifications, and the cursor moved past the last of them. A worker stopped in the
middle of a batch leaves nothing of it behind, and the next tick (in any worker) does that
batch again; a committed batch is never done again. On PostgreSQL a broadcast is claimed
with `SKIP LOCKED`, so two workers share the broadcasts and never the same batch; on SQLite
the write lock taken at BEGIN serializes them.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from staffdesk.announcements.models import Affected, Announcement, Broadcast, Receipt
from staffdesk.announcements.selectors import audience_of, pending_of
from staffdesk.core import clock
from staffdesk.directory.models import Person
from staffdesk.notifications.services import Draft, notification_create_many

BATCH_SIZE = 1000
# How long one tick fans out before the worker's other tasks get their turn: with the
# email's second (notifications.services.DELIVERY_SECONDS) still within the worker's
# two-second interval, so due timers wait at most one interval for a claim.
TICK_SECONDS = 0.8
REMIND_EVERY = timedelta(hours=24)
EXCERPT = 400

Reason = Broadcast.Reason


def _recipients(broadcast: Broadcast, moment: datetime) -> QuerySet[Person]:
    if broadcast.reason == Reason.NOTICE_ENDED:
        people = Person.objects.filter(
            is_active=True,
            pk__in=Affected.objects.filter(notice_id=broadcast.notice_id).values("person_id"),
        )
    else:
        assert broadcast.announcement is not None
        people = (
            pending_of(broadcast.announcement)
            if broadcast.reason in (Reason.REMINDER, Reason.NEW_VERSION)
            else audience_of(broadcast.announcement)
        )
        if broadcast.reason == Reason.REMINDER:
            people = people.exclude(
                Exists(
                    Receipt.objects.filter(
                        announcement=broadcast.announcement,
                        person_id=OuterRef("pk"),
                        reminded_at__gt=moment - REMIND_EVERY,
                    )
                )
            )
    return people.filter(pk__gt=broadcast.after_person_id).order_by("pk")


def _announcement_message(broadcast: Broadcast, announcement: Announcement) -> tuple[str, str, str]:
    """(kind, subject, body) of the notification a broadcast sends."""
    excerpt = (
        announcement.body
        if len(announcement.body) <= EXCERPT
        else (announcement.body[:EXCERPT].rsplit(" ", 1)[0] + " …")
    )
    source = announcement.department.name
    due = (
        f" by {announcement.ack_due_on:%A %-d %B %Y}" if announcement.ack_due_on is not None else ""
    )
    if announcement.ack_required:
        kind = "announcement_required"
        ask = f"\n\nPlease read it and confirm you have understood it{due}."
        subject = {
            Reason.PUBLISHED: f"Please read and acknowledge: {announcement.title}",
            Reason.NEW_VERSION: f"Updated, please acknowledge again: {announcement.title}",
            Reason.REMINDER: f"Reminder, please acknowledge: {announcement.title}",
        }[Reason(broadcast.reason)]
    else:
        kind = "announcement"
        ask = ""
        subject = {
            Reason.PUBLISHED: f"{source}: {announcement.title}",
            Reason.NEW_VERSION: f"Updated: {announcement.title}",
            Reason.REMINDER: f"Reminder: {announcement.title}",
        }[Reason(broadcast.reason)]
    return kind, subject, f"From {source}.\n\n{excerpt}{ask}"


def _run_batch(broadcast: Broadcast, moment: datetime) -> int:
    """One batch of `broadcast`, in the caller's transaction; returns how many were told."""
    announcement = broadcast.announcement
    if announcement is not None and (
        announcement.status in (Announcement.Status.DRAFT, Announcement.Status.ARCHIVED)
        or not announcement.is_current(moment)
    ):
        _finish(broadcast, moment)  # taken down (or back to a draft) before all were told
        return 0
    if (
        announcement is not None
        and broadcast.reason == Reason.PUBLISHED
        and announcement.status == Announcement.Status.SCHEDULED
    ):
        announcement.status = Announcement.Status.PUBLISHED
        announcement.save(update_fields=["status"])
    people = list(_recipients(broadcast, moment)[:BATCH_SIZE])
    if announcement is not None:
        kind, subject, body = _announcement_message(broadcast, announcement)
        url = reverse("announcements:detail", args=[announcement.pk])
        thread = f"announcement-{announcement.pk}"
    else:
        notice = broadcast.notice
        assert notice is not None
        kind = "notice_resolved"
        subject = f"Resolved: {notice.title}"
        body = notice.closing_message or "The problem is resolved."
        url = reverse("announcements:notice", args=[notice.pk])
        thread = f"notice-{notice.pk}"
    notification_create_many(
        drafts=[
            Draft(person, kind, subject, body, url=url, thread_key=thread) for person in people
        ],
        now=moment,
    )
    if broadcast.reason == Reason.REMINDER and people:
        Receipt.objects.bulk_create(
            [
                Receipt(announcement=broadcast.announcement, person=person, reminded_at=moment)
                for person in people
            ],
            update_conflicts=True,
            unique_fields=["announcement", "person"],
            update_fields=["reminded_at"],
        )
    if len(people) < BATCH_SIZE:
        _finish(broadcast, moment, last=people[-1].pk if people else None, told=len(people))
    else:
        broadcast.after_person_id = people[-1].pk
        broadcast.notified += len(people)
        broadcast.save(update_fields=["after_person_id", "notified"])
    return len(people)


def _finish(
    broadcast: Broadcast, moment: datetime, *, last: int | None = None, told: int = 0
) -> None:
    if last is not None:
        broadcast.after_person_id = last
    broadcast.notified += told
    broadcast.due_at = None
    broadcast.finished_at = moment
    broadcast.save(update_fields=["after_person_id", "notified", "due_at", "finished_at"])


def _claim(moment: datetime) -> Broadcast | None:
    due = Broadcast.objects.filter(due_at__lte=moment).order_by("due_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return due.select_related("announcement__department", "notice").first()


def broadcast_tick(*, now: datetime | None = None, seconds: float = TICK_SECONDS) -> int:
    """Run due broadcasts a batch at a time for up to `seconds`; returns how many people
    were notified. Each batch commits on its own (durable: never inside a caller's)."""
    moment = clock.resolve(now)
    deadline = time.monotonic() + seconds
    told = 0
    while True:
        with transaction.atomic(durable=True):
            broadcast = _claim(moment)
            if broadcast is None:
                return told
            told += _run_batch(broadcast, moment)
        if time.monotonic() >= deadline:
            return told

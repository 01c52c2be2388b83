"""Every write to the outbox, and its delivery."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import ValidationFailed
from staffdesk.core.generations import generation_bump
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.notifications import email
from staffdesk.notifications.kinds import is_optional, is_registered
from staffdesk.notifications.models import Notification, NotificationPreference
from staffdesk.notifications.selectors import (
    EMAIL_CHOICES_GENERATION,
    access_notification,
    email_turned_off,
    notification_list,
)

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 12
CLAIM_SECONDS = 120
# How long one tick keeps mailing before the worker's other timers get their turn: under
# the worker's two-second interval, so that with this and the other tasks a tick ends
# before the next one is due and due timers wait at most one interval for a claim.
DELIVERY_SECONDS = 1.0
Status = Notification.EmailStatus


@dataclass(frozen=True)
class Draft:
    """One notification to write with `notification_create_many`."""

    recipient: Person
    kind: str
    subject: str
    body: str
    url: str = ""
    thread_key: str = ""
    shared_with_admins: bool = False  # see Notification.shared_with_admins
    email: bool = True  # False: in-app only, its mail recorded as skipped


def notification_create(
    *,
    recipient: Person,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    thread_key: str = "",
    shared_with_admins: bool = False,
    now: datetime | None = None,
    email_off: set[tuple[int, str]] | None = None,
) -> Notification:
    """Write a notification in the caller's transaction: it exists (and is mailed) only if that commits.

    It is always shown in-app; it is not mailed when the recipient turned email off for `kind`.
    `shared_with_admins`: the caller vouches that it quotes nothing confidential or internal.
    `email_off`: `selectors.email_turned_off` for the recipient, when the caller read it already.
    """
    draft = Draft(
        recipient,
        kind,
        subject,
        body,
        url=url,
        thread_key=thread_key,
        shared_with_admins=shared_with_admins,
    )
    return notification_create_many(drafts=[draft], now=now, email_off=email_off)[0]


def notification_create_many(
    *,
    drafts: Sequence[Draft],
    now: datetime | None = None,
    email_off: set[tuple[int, str]] | None = None,
) -> list[Notification]:
    """`notification_create` for many at once (two queries), for the ticks that fire in bulk.

    `email_off`: the recipients' `selectors.email_turned_off`, when the caller read it before
    its transaction (one query fewer, and none of them reads while SQLite's write lock is
    held)."""
    moment = clock.resolve(now)
    if not drafts:
        return []
    opted_out = (
        email_turned_off(
            person_ids={d.recipient.pk for d in drafts}, kinds={d.kind for d in drafts}
        )
        if email_off is None
        else email_off
    )
    rows = [
        Notification(
            recipient=d.recipient,
            kind=d.kind,
            subject=d.subject[:250],
            body=d.body,
            url=d.url,
            thread_key=d.thread_key,
            shared_with_admins=d.shared_with_admins,
            created_at=moment,
            email_status=Status.PENDING
            if d.email
            and d.recipient.email
            and d.recipient.is_active
            and ((d.recipient.pk, d.kind) not in opted_out or not is_optional(d.kind))
            else Status.SKIPPED,
            email_next_attempt_at=moment,
        )
        for d in drafts
    ]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(
    *, user: Viewer, notification_id: int, now: datetime | None = None
) -> Notification:
    notification = access_notification(user=user, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = clock.resolve(now)
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: Viewer, now: datetime | None = None) -> int:
    return notification_list(user=user, unread_only=True).update(read_at=clock.resolve(now))


@transaction.atomic
def notification_preferences_set(
    *, person: Person, email_by_kind: dict[str, bool], now: datetime | None = None
) -> list[NotificationPreference]:
    """Record, per registered kind, whether the person wants it by email (in-app stays on)."""
    unknown = sorted(code for code in email_by_kind if not is_registered(code))
    if unknown:
        raise ValidationFailed(
            f"Unknown notification kind: {', '.join(unknown)}.",
            errors={"email": [f"unknown kind {code!r}" for code in unknown]},
        )
    fixed = sorted(code for code in email_by_kind if not is_optional(code))
    if fixed:
        raise ValidationFailed(
            f"These are always sent by email: {', '.join(fixed)}.",
            errors={"email": [f"{code!r} cannot be turned off" for code in fixed]},
        )
    moment = clock.resolve(now)
    generation_bump(EMAIL_CHOICES_GENERATION)  # before the rows: one lock order
    return NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(person=person, kind=code, email=wanted, updated_at=moment)
            for code, wanted in email_by_kind.items()
        ],
        update_conflicts=True,
        unique_fields=["person", "kind"],
        update_fields=["email", "updated_at"],
    )


def notification_skip_email_until(*, cutoff: datetime) -> int:
    """Mark pending mails created before `cutoff` as not to be sent (used for generated history)."""
    return Notification.objects.filter(email_status=Status.PENDING, created_at__lt=cutoff).update(
        email_status=Status.SKIPPED
    )


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at one hour between attempts."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claim(notification_id: int, *, moment: datetime, token: str) -> bool:
    """Take one due row for this worker; a conditional UPDATE so only one worker can win it.

    Committed at once (durable: never inside a caller's transaction), so other workers see
    the lease before the mail goes out, and a mail is never sent for a row that could still
    be rolled back."""
    with transaction.atomic(durable=True):
        claimed = (
            Notification.objects.filter(
                pk=notification_id,
                email_status=Status.PENDING,
                email_next_attempt_at__lte=moment,
            )
            .exclude(email_claimed_until__gt=moment)
            .update(
                email_claimed_until=moment + timedelta(seconds=CLAIM_SECONDS),
                email_claim_token=token,
            )
        )
    return claimed == 1


def _record(notification: Notification, *, token: str, **fields: object) -> None:
    """Store what became of the mail and release the lease, committed at once (durable)."""
    with transaction.atomic(durable=True):
        Notification.objects.filter(pk=notification.pk, email_claim_token=token).update(
            email_claimed_until=None, email_claim_token="", **fields
        )


def notification_deliver_due(
    *,
    now: datetime | None = None,
    batch_size: int = 50,
    seconds: float = DELIVERY_SECONDS,
) -> int:
    """Email the due notifications; returns how many were sent.

    Each row is claimed (a lease, not a long transaction, so web writes never wait on SMTP),
    sent, then marked sent. A failure schedules the next attempt with backoff; after
    MAX_EMAIL_ATTEMPTS the row is marked failed and kept with its last error. The mails go
    out over one SMTP session, in batches of `batch_size` due rows, until none is due or
    `seconds` have passed (the worker's other timers wait for the tick's end).
    """
    started = time.monotonic()
    token = secrets.token_hex(16)
    sent = 0
    with email.Sender() as sender:
        while True:
            due_ids = _due_ids(moment=clock.resolve(now), limit=batch_size)
            for notification_id in due_ids:
                sent += _deliver(notification_id, sender=sender, token=token, now=now)
            if len(due_ids) < batch_size or time.monotonic() - started >= seconds:
                return sent


def _due_ids(*, moment: datetime, limit: int) -> list[int]:
    return list(
        Notification.objects.filter(email_status=Status.PENDING, email_next_attempt_at__lte=moment)
        .exclude(email_claimed_until__gt=moment)
        .order_by("email_next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def _deliver(
    notification_id: int, *, sender: email.Sender, token: str, now: datetime | None
) -> int:
    """Claim, send and record one due row; 1 if it was sent."""
    # The lease runs from the claim, not from the start of the batch: slow sends can make
    # a batch outlast CLAIM_SECONDS, and a lease that had already run out when it was
    # taken would let another worker mail the same row while this one is sending it.
    moment = clock.resolve(now)
    if not _claim(notification_id, moment=moment, token=token):
        return 0
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    attempts = notification.email_attempts + 1
    recipient = notification.recipient
    if not (recipient.email and recipient.is_active):
        # Left or lost their address since it was written: nothing to send, and
        # recording it "sent" would be a lie.
        _record(notification, token=token, email_status=Status.SKIPPED)
        return 0
    try:
        sender.send(notification)
    except Exception as exc:
        failed = attempts >= MAX_EMAIL_ATTEMPTS
        logger.warning(
            "email for notification %s failed (attempt %s%s): %s",
            notification_id,
            attempts,
            ", giving up" if failed else "",
            exc.__class__.__name__,
        )
        _record(
            notification,
            token=token,
            email_attempts=attempts,
            email_status=Status.FAILED if failed else Status.PENDING,
            email_next_attempt_at=clock.resolve(now) + retry_delay(attempts),
            email_last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        return 0
    _record(
        notification,
        token=token,
        email_attempts=attempts,
        email_status=Status.SENT,
        email_sent_at=clock.resolve(now),
        email_last_error="",
    )
    return 1

"""The email channel: turns an outbox row into a threaded, auto-generated mail."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from staffdesk.notifications import kinds
from staffdesk.notifications.models import Notification


def message_id(notification: Notification) -> str:
    return f"<staffdesk.notification.{notification.pk}@{settings.STAFFDESK_MAIL_DOMAIN}>"


def thread_id(thread_key: str) -> str:
    return f"<staffdesk.{thread_key}@{settings.STAFFDESK_MAIL_DOMAIN}>"


def build_message(notification: Notification) -> EmailMessage:
    link = f"{settings.STAFFDESK_BASE_URL}{notification.url}" if notification.url else ""
    body = notification.body.rstrip() + "\n"
    addition = kinds.mail_addition(notification).strip()
    if addition:
        body += f"\n{addition}\n"
    if link:
        body += f"\n{link}\n"
    body += "\n-- \nThis message was sent automatically by staffdesk.\n"
    headers = {
        "Message-ID": message_id(notification),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if notification.thread_key:
        headers["References"] = thread_id(notification.thread_key)
        headers["In-Reply-To"] = thread_id(notification.thread_key)
    return EmailMessage(
        # A line break in a header is refused on every attempt (BadHeaderError), and request
        # subjects may hold one; fold all whitespace so such a mail goes out instead of failing.
        subject=" ".join(notification.subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers=headers,
    )


class Sender:
    """Sends mails over one connection to the mail server, opened at the first mail and
    kept for the next ones (a batch is one SMTP session, not one per mail); a failure closes
    it, so the next mail starts on a fresh one. Use as a context manager."""

    def __init__(self) -> None:
        self._connection: BaseEmailBackend | None = None

    def send(self, notification: Notification) -> None:
        """Send one mail; raises on any SMTP or connection failure."""
        if self._connection is None:
            self._connection = get_connection(fail_silently=False)
            self._connection.open()
        try:
            # The backends return 0 instead of raising for a message they did not send.
            if self._connection.send_messages([build_message(notification)]) != 1:
                raise RuntimeError("the mail backend did not send the message")
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # A server gone away: the session is over anyway.
            with contextlib.suppress(Exception):
                connection.close()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

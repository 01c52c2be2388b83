"""The email channel: turns an outbox row into a threaded, auto-generated mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from staffdesk.notifications.models import Notification


def message_id(notification: Notification) -> str:
    return f"<staffdesk.notification.{notification.pk}@{settings.STAFFDESK_MAIL_DOMAIN}>"


def thread_id(thread_key: str) -> str:
    return f"<staffdesk.{thread_key}@{settings.STAFFDESK_MAIL_DOMAIN}>"


def build_message(notification: Notification) -> EmailMessage:
    link = f"{settings.STAFFDESK_BASE_URL}{notification.url}" if notification.url else ""
    body = notification.body.rstrip() + (f"\n\n{link}\n" if link else "\n")
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


def send(notification: Notification) -> None:
    """Send one mail; raises on any SMTP or connection failure."""
    with get_connection(fail_silently=False) as connection:
        # The backends return 0 instead of raising for a message they did not send.
        if connection.send_messages([build_message(notification)]) != 1:
            raise RuntimeError("the mail backend did not send the message")

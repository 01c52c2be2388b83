"""Reads of a person's in-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from staffdesk.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.visible_to(user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_count(*, user) -> int:
    return notification_list(user=user, unread_only=True).count()

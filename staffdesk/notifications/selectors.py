"""Reads of a person's in-app notifications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from staffdesk.core.compiled import Slots, run_compiled
from staffdesk.core.errors import NotFound
from staffdesk.core.pagination import Page, paginate_by_id
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.notifications.kinds import optional_kinds
from staffdesk.notifications.models import Notification, NotificationPreference

PAGE_SIZE = 50


def notification_list(*, user: Viewer, unread_only: bool = False) -> QuerySet[Notification]:
    """My inbox: the notifications addressed to me. An organization admin may also see the
    shared ones of others (in the admin), but they are nobody's inbox but their recipient's."""
    notifications = Notification.objects.visible_to(user).filter(recipient_id=user.pk)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def unread_count(*, user: Viewer) -> int:
    """How many of my notifications are unread (every page's navigation shows it): the
    statement is compiled once per kind of viewer (`core.compiled`)."""
    if not (user and user.is_authenticated):
        return 0

    def build(slots: Slots) -> QuerySet[Any]:
        viewer = Person(pk=slots.number("user"), is_superuser=user.is_superuser)
        return notification_list(user=viewer, unread_only=True).values_list("id")

    key = ("unread_count", user.is_superuser)
    ((found,),) = run_compiled(key, build, {"user": user.pk}, count=True)
    return int(found)


def notification_page(*, user: Viewer, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """One page of my notifications, newest first (keyset on the id: same cost at any depth)."""
    return paginate_by_id(notification_list(user=user), cursor=cursor, limit=limit)


def access_notification(*, user: Viewer, notification_id: int) -> Notification:
    notification = notification_list(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(f"No notification with id {notification_id}.")
    return notification


@dataclass(frozen=True)
class PreferenceRow:
    """One registered kind and whether this person gets it by email."""

    code: str
    label: str
    email: bool


def notification_preferences(*, user: Viewer) -> list[PreferenceRow]:
    """Every kind a person may turn off, with their choice; email is on until turned off."""
    chosen = dict(NotificationPreference.objects.visible_to(user).values_list("kind", "email"))
    return [
        PreferenceRow(code=kind.code, label=kind.label, email=chosen.get(kind.code, True))
        for kind in optional_kinds()
    ]


# Bumped by every change of a person's email choices (`notification_preferences_set`), for
# caches of `email_turned_off` (core.generations).
EMAIL_CHOICES_GENERATION = "notification_preferences"


def email_turned_off(*, person_ids: Iterable[int], kinds: Iterable[str]) -> set[tuple[int, str]]:
    """(person id, kind) of those of these people who turned email off for these kinds."""
    return set(
        NotificationPreference.objects.filter(
            person__in=set(person_ids), kind__in=set(kinds), email=False
        ).values_list("person_id", "kind")
    )

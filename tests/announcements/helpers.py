"""Shortcuts the announcements tests share: audiences, announcements written through the
services, what the worker told whom, and the rows that must not change on a refusal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from staffdesk.announcements.drafts import Audience, Draft
from staffdesk.announcements.models import (
    Acknowledgement,
    Affected,
    Announcement,
    AudienceRule,
    Broadcast,
    Question,
    Receipt,
    ServiceNotice,
    Version,
)
from staffdesk.announcements.services.announcements import (
    announcement_create,
    announcement_publish,
    announcement_schedule,
)
from staffdesk.directory.models import Department, Person
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request

Kind = AudienceRule.Kind


def everyone() -> Audience:
    return Audience(kind=Kind.EVERYONE)


def department(unit: Department, *, with_subdepartments: bool = False) -> Audience:
    return Audience(
        kind=Kind.DEPARTMENT, department=unit, include_subdepartments=with_subdepartments
    )


def team(unit: Department) -> Audience:
    return Audience(kind=Kind.TEAM, department=unit)


def role(name: str) -> Audience:
    return Audience(kind=Kind.ROLE, role=name)


def person(someone: Person) -> Audience:
    return Audience(kind=Kind.PERSON, person=someone)


def announce(
    *,
    by: Person,
    unit: Department,
    audience: Sequence[Audience],
    title: str = "Office move on Friday",
    body: str = "The **third floor** moves to the annex on Friday.",
    ack_required: bool = False,
    publish: bool = True,
    publish_at: datetime | None = None,
    now: datetime | None = None,
    **draft,
) -> Announcement:
    """An announcement of `unit` written by `by`: published now (the default), scheduled for
    `publish_at`, or left a draft (`publish=False`)."""
    created = announcement_create(
        author=by,
        department=unit,
        draft=Draft(title=title, body=body, audience=audience, ack_required=ack_required, **draft),
        now=now,
    )
    if publish_at is not None:
        return announcement_schedule(actor=by, announcement=created, publish_at=publish_at, now=now)
    if publish:
        return announcement_publish(actor=by, announcement=created, now=now)
    return created


def told(announcement: Announcement, kind: str | None = None) -> list[str]:
    """Usernames of the notifications about `announcement`, one entry per notification."""
    found = Notification.objects.filter(thread_key=f"announcement-{announcement.pk}")
    if kind is not None:
        found = found.filter(kind=kind)
    return sorted(found.values_list("recipient__username", flat=True))


def rows() -> dict[str, int]:
    """How many rows each table a refused write could touch holds."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Announcement,
            AudienceRule,
            Version,
            Broadcast,
            Receipt,
            Acknowledgement,
            Question,
            ServiceNotice,
            Affected,
            Notification,
            Request,
        )
    }


def signed_in(client, someone: Person):
    client.logout()
    client.force_login(someone)
    return client


def _news_section(html: str) -> str:
    found = re.search(r'id="home-news-title".*?</section>', html, re.S)
    assert found, "the home page has its News for you section"
    return found.group(0)


def what_they_see(client, announcement: Announcement) -> dict[str, object]:
    """Every surface a reader meets the announcement on, as the signed-in person sees it."""
    title = announcement.title
    listed = client.get(reverse("announcements:list")).content.decode()
    home = client.get(reverse("home")).content.decode()
    other_page = client.get(reverse("requests:mine")).content.decode()
    detail = client.get(reverse("announcements:detail", args=[announcement.pk]))
    return {
        "detail": detail.status_code,
        "list": title in listed,
        "news": title in _news_section(home),
        "banner": "Please read and acknowledge" in other_page and title in other_page,
    }


SEES = {"detail": 200, "list": True, "news": True, "banner": True}
NOTHING = {"detail": 404, "list": False, "news": False, "banner": False}

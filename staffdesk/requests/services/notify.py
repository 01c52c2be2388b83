"""The notifications a request's changes cause, written through the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse

from staffdesk.directory.models import Person
from staffdesk.notifications.services import notification_create
from staffdesk.requests.models import Request


def request_url(request: Request) -> str:
    return reverse("requests:detail", kwargs={"number": request.number})


def thread_key(request: Request) -> str:
    return f"request.{request.number}"


def requester_audience(request: Request) -> list[Person]:
    """Who hears of public changes on the requester's side: the requester, the person it is
    for, and (unless confidential) the watchers (`selectors.is_requester_side` is the first
    two only)."""
    people = [request.requester]
    if request.on_behalf_of is not None:
        people.append(request.on_behalf_of)
    if not request.confidential:
        people.extend(watcher.person for watcher in request.watchers.select_related("person"))
    return people


def notify(
    people: Iterable[Person | None],
    *,
    request: Request,
    kind: str,
    subject: str,
    body: str,
    actor: Person | None,
    public: bool,
    now: datetime,
    email_off: set[tuple[int, str]] | None = None,
) -> None:
    """Tell these people (never the actor) about a change of the request.

    `public`: the text tells only what the request's public timeline shows (not an internal
    note, not a step an escalation policy took, which only the providing team may see).
    Then, unless the case is confidential, organization admins may read it in the admin.
    `email_off`: who of them turned email off for `kind`, when the caller read it already.
    """
    shared = public and not request.confidential
    seen: set[int] = set()
    for person in people:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        notification_create(
            recipient=person,
            kind=kind,
            subject=f"[{request.number}] {subject}",
            body=body,
            url=request_url(request),
            thread_key=thread_key(request),
            shared_with_admins=shared,
            now=now,
            email_off=email_off,
        )

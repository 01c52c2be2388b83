"""Public replies, internal notes and watchers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.requests.models import Attachment, Request, RequestEvent, Status, Watcher
from staffdesk.requests.selectors import allowed_transitions, can_work_on, is_requester_side
from staffdesk.requests.services.attachments import attachment_count_check
from staffdesk.requests.services.notify import notify, requester_audience
from staffdesk.requests.services.workflow import _lock, apply_status
from staffdesk.requests.sla.store import sla_refresh

BODY_MAX = 20_000


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed("Write something first.", errors={"body": ["must not be empty"]})
    if len(body) > BODY_MAX:
        raise ValidationFailed(
            f"The message is too long ({len(body)} characters; at most {BODY_MAX}).",
            errors={"body": [f"at most {BODY_MAX} characters"]},
        )
    return body


def _link_attachments(
    request: Request, event: RequestEvent, author: Person, attachment_ids: Sequence[int]
) -> None:
    """Tie the author's earlier uploads on this request to the message; anything else is refused."""
    if not attachment_ids:
        return
    attachment_count_check(len(set(attachment_ids)), field="attachment_ids")
    wanted = set(attachment_ids)
    found = Attachment.objects.filter(
        pk__in=wanted, request=request, uploaded_by=author, event__kind=RequestEvent.Kind.ATTACHMENT
    )
    missing = sorted(wanted - set(found.values_list("pk", flat=True)))
    if missing:
        raise ValidationFailed(
            f"Attachment(s) {', '.join(map(str, missing))} are not your unattached uploads on "
            f"{request.number}; upload them to this request first.",
            errors={"attachment_ids": [f"not usable here: {', '.join(map(str, missing))}"]},
        )
    found.update(event=event, is_internal=event.is_internal)


def _check_open_for_messages(request: Request) -> None:
    if request.is_finished:
        raise Conflict(
            f"{request.number} is {request.status}; file a new request instead of replying."
        )


@transaction.atomic
def request_reply(
    *,
    request: Request,
    author: Person,
    body: str,
    attachment_ids: Sequence[int] = (),
    reopen: bool = False,
    now: datetime | None = None,
) -> RequestEvent:
    """A public message on the request, seen by the requester's side and the team.

    A reply from the requester's side to a request waiting on them puts it back in progress,
    as people expect when they answer. A resolved request stays resolved ("Thanks, all
    good!" is a comment) unless `reopen`: "it's not fixed", which whoever may reopen it asks
    for explicitly.
    """
    moment = clock.resolve(now)
    body = _clean_body(body)
    request = _lock(request)
    _check_open_for_messages(request)
    if reopen and request.status != Status.RESOLVED:
        raise Conflict(
            f"{request.number} is {request.get_status_display().lower()}, not resolved: "
            "there is nothing to reopen; send the reply without reopen.",
            errors={"reopen": ["only a resolved request can be reopened"]},
        )
    if reopen and Status.IN_PROGRESS not in allowed_transitions(user=author, request=request):
        raise PermissionDenied(
            f"{author.display_name} may not reopen {request.number}; the requester, the "
            "person it is for or the team can."
        )
    from_team = can_work_on(author, request)
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.REPLY,
        actor=author,
        created_at=moment,
        body=body,
        data={"by_team": from_team},  # the team's first public reply meets the response SLA
    )
    _link_attachments(request, event, author, attachment_ids)
    answering = is_requester_side(author, request) and request.status == Status.WAITING_ON_REQUESTER
    if reopen or answering:
        apply_status(request, to_status=Status.IN_PROGRESS, actor=author, now=moment)
    if from_team:
        notify(
            requester_audience(request),
            request=request,
            kind="request_reply",
            actor=author,
            public=True,  # a public reply (internal notes tell no one)
            now=moment,
            subject=f"New reply: {request.subject}",
            body=f"{author.display_name} wrote:\n\n{body}",
        )
    else:
        notify(
            [request.assignee, *requester_audience(request)],
            request=request,
            kind="request_reply",
            actor=author,
            public=True,  # a public reply (internal notes tell no one)
            now=moment,
            subject=f"New reply: {request.subject}",
            body=f"{author.display_name} wrote:\n\n{body}",
        )
    Request.objects.filter(pk=request.pk).update(updated_at=moment)
    if from_team:
        sla_refresh(request=request, now=moment)
    return event


@transaction.atomic
def request_add_note(
    *,
    request: Request,
    author: Person,
    body: str,
    attachment_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> RequestEvent:
    """An internal note: seen only by the providing team, never by the requester's side."""
    moment = clock.resolve(now)
    body = _clean_body(body)
    if not can_work_on(author, request):
        raise PermissionDenied(f"Only agents of {request.department.name} can add internal notes.")
    request = _lock(request)
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.NOTE,
        actor=author,
        created_at=moment,
        body=body,
        is_internal=True,
    )
    _link_attachments(request, event, author, attachment_ids)
    Request.objects.filter(pk=request.pk).update(updated_at=moment)
    return event


@transaction.atomic
def watcher_add(
    *, request: Request, actor: Person, person: Person, now: datetime | None = None
) -> Watcher:
    """Add a follower. The requester's side and the team may add; confidential cases take none."""
    moment = clock.resolve(now)
    if not (can_work_on(actor, request) or is_requester_side(actor, request)):
        raise PermissionDenied(
            f"Only the requester and the team can add watchers to {request.number}."
        )
    if request.confidential:
        raise ValidationFailed(
            f"{request.number} is confidential; it cannot have watchers.",
            errors={"person_id": ["confidential requests have no watchers"]},
        )
    if not person.is_active:
        raise ValidationFailed(
            f"{person.display_name} is no longer active.", errors={"person_id": ["inactive person"]}
        )
    watcher, created = Watcher.objects.get_or_create(
        request=request, person=person, defaults={"added_by": actor, "created_at": moment}
    )
    if created:
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.WATCHER,
            actor=actor,
            created_at=moment,
            data={"person": person.pk, "person_name": person.display_name, "added": True},
        )
    return watcher


@transaction.atomic
def watcher_remove(
    *, request: Request, actor: Person, person: Person, now: datetime | None = None
) -> None:
    moment = clock.resolve(now)
    allowed = (
        person.pk == actor.pk or can_work_on(actor, request) or is_requester_side(actor, request)
    )
    if not allowed:
        raise PermissionDenied("You can remove only yourself from the watchers.")
    deleted, _ = Watcher.objects.filter(request=request, person=person).delete()
    if deleted:
        RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.WATCHER,
            actor=actor,
            created_at=moment,
            data={"person": person.pk, "person_name": person.display_name, "added": False},
        )

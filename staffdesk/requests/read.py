"""What one request shows its viewer: the read model of the request page and the API detail.

`request_detail` reads it once, through the selectors (so through `visible_to(user)`), and
both the web page and `GET /requests/{number}` render the same `RequestDetail`: the request,
its timeline as this user may see it (each entry with its line in words), its watchers,
the moves this user may make and the SLA clocks as people read them. Nothing is set on
model instances for display; templates and response shapes read these frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connection

from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.requests import compiled_reads, selectors
from staffdesk.requests.models import Attachment, Priority, Request, RequestEvent, Status, Watcher
from staffdesk.requests.sla.display import SlaView, sla_view

STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the timeline as shown: its own fields, its files, and `summary`, the line
    the timeline shows after the actor's name ("changed the status: New → Acknowledged")."""

    id: int
    kind: RequestEvent.Kind
    actor: Person | None
    created_at: datetime
    is_internal: bool
    body: str
    data: dict[str, Any]
    attachments: tuple[Attachment, ...]
    summary: str


@dataclass(frozen=True)
class RequestDetail:
    """A request as one viewer sees it at `now`."""

    request: Request
    timeline: tuple[TimelineEntry, ...]
    watchers: tuple[Watcher, ...]
    allowed_transitions: tuple[str, ...]
    sla: SlaView | None
    is_team: bool  # an agent or lead of the providing department
    is_requester_side: bool  # the requester or the person it was filed for


def request_detail(
    *, user: Viewer, number: str, now: datetime, files: bool = True
) -> RequestDetail:
    """The request with this number as `user` sees it (NotFound if they may not see it).

    `files=False` leaves each entry's attachments out, one query fewer: the web page names
    an attachment event's file from the event's data and lists no files under replies."""
    request = compiled_reads.access_request(user=user, number=number)
    events = (
        compiled_reads.request_timeline(user=user, request=request)
        if files
        else [(event, ()) for event in compiled_reads.request_events(user=user, request=request)]
    )
    return RequestDetail(
        request=request,
        timeline=tuple(_entry(event, attachments) for event, attachments in events),
        watchers=tuple(compiled_reads.request_watchers(user=user, request=request)),
        allowed_transitions=selectors.allowed_transitions(user=user, request=request),
        sla=sla_view(request, now=now),
        is_team=selectors.can_work_on(user, request),
        is_requester_side=selectors.is_requester_side(user, request),
    )


def filed_detail(
    *, user: Viewer, request: Request, events: Sequence[RequestEvent], now: datetime
) -> RequestDetail:
    """`request_detail` of a request just filed by `user`, from what filing wrote, read again
    from nothing: the filer may see it (they filed it, or are on its team), none of its first
    events is internal, it has no watchers and no files yet. The same as reading it right
    after (tests/api/test_create_response.py), for a fifth of the create's time.

    `request` and `events` as filing wrote them (`services.Filed`)."""
    request.answers = as_stored(request.answers)
    return RequestDetail(
        request=request,
        timeline=tuple(replace(_entry(event, ()), data=as_stored(event.data)) for event in events),
        watchers=(),
        allowed_transitions=selectors.allowed_transitions(user=user, request=request),
        sla=sla_view(request, now=now),
        is_team=selectors.can_work_on(user, request),
        is_requester_side=selectors.is_requester_side(user, request),
    )


def as_stored(value: Any) -> Any:
    """A JSON value as the database hands it back: PostgreSQL's jsonb keeps an object's keys
    shorter first, then by their bytes, and numbers as numerics (other databases keep the
    text they were given)."""
    if connection.vendor != "postgresql":
        return value
    return _jsonb_order(value)


def _jsonb_order(value: Any) -> Any:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {key: _jsonb_order(value[key]) for key in keys}
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    if isinstance(value, float) and value.is_integer() and "e" in repr(value):
        return int(value)  # 1e+16 is stored as a numeric and read back as 10000000000000000
    return value


def _entry(event: RequestEvent, attachments: tuple[Attachment, ...]) -> TimelineEntry:
    return TimelineEntry(
        id=event.pk,
        kind=RequestEvent.Kind(event.kind),
        actor=event.actor,
        created_at=event.created_at,
        is_internal=event.is_internal,
        body=event.body,
        data=event.data,
        attachments=attachments,
        summary=summary(event.kind, event.data),
    )


def summary(kind: str, data: dict[str, Any]) -> str:
    """What an event did, in words, after the actor's name."""
    match kind:
        case RequestEvent.Kind.CREATED:
            return "filed the request"
        case RequestEvent.Kind.REPLY:
            return "replied"
        case RequestEvent.Kind.NOTE:
            return "wrote a note for the team"
        case RequestEvent.Kind.STATUS:
            verb = "reopened the request" if data.get("reopened") else "changed the status"
            resolution = f" ({data['resolution']})" if data.get("resolution") else ""
            return f"{verb}: {_change(STATUS_LABELS, data)}{resolution}"
        case RequestEvent.Kind.ASSIGNMENT:
            name = data.get("to_name")
            return f"assigned it to {name}" if name else "unassigned it"
        case RequestEvent.Kind.PRIORITY:
            return f"changed the priority: {_change(PRIORITY_LABELS, data)}"
        case RequestEvent.Kind.WATCHER:
            name = data.get("person_name", "someone")
            added = data.get("added")
            return f"added {name} as a watcher" if added else f"removed {name} as a watcher"
        case RequestEvent.Kind.ATTACHMENT:
            return "added a file"
        case RequestEvent.Kind.ESCALATION:
            # The requester's reason is the event's body; a trigger's cause is in `why`.
            line = f"escalated it to level {data.get('level')}, {data.get('name', '')}"
            told = f" (told {', '.join(data['notified'])})" if data.get("notified") else ""
            return f"{line}: {data['why']}{told}" if data.get("why") else f"{line}{told}"
        case _:
            return RequestEvent.Kind(kind).label.lower()


def _change(labels: dict, data: dict) -> str:
    """The change in words ("New → Acknowledged"), from its {"from": code, "to": code}."""
    before, after = data.get("from"), data.get("to")
    return f"{labels.get(before, before)} → {labels.get(after, after)}"

"""The status machine, assignment and priority."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Membership, Person
from staffdesk.requests import lifecycle
from staffdesk.requests.models import (
    FINISHED_STATUSES,
    Priority,
    Request,
    RequestEvent,
    ResolutionCode,
    Status,
)
from staffdesk.requests.selectors import allowed_transitions, can_work_on, is_requester_side
from staffdesk.requests.services.notify import notify, requester_audience
from staffdesk.requests.sla.store import sla_refresh

# The message the requester's side receives on each status change made by the team.
STATUS_NOTICES: dict[str, tuple[str, str]] = {
    Status.ACKNOWLEDGED: ("Acknowledged", "{actor} has acknowledged your request."),
    Status.WAITING_ON_REQUESTER: (
        "Waiting on you",
        "{actor} needs something from you before this can go on.",
    ),
    Status.RESOLVED: (
        "Resolved",
        "{actor} has resolved your request. Reply or reopen it if it is not fixed.",
    ),
    Status.CANCELLED: ("Cancelled", "{actor} has cancelled this request."),
}


def _lock(request: Request) -> Request:
    """Re-read the request under a row lock so concurrent changes apply one after the other."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("service", "department", "requester", "on_behalf_of", "assignee")
        .get(pk=request.pk)
    )


def apply_status(
    request: Request,
    *,
    to_status: str,
    actor: Person | None,
    now: datetime,
    note: str = "",
    resolution: ResolutionCode | None = None,
) -> RequestEvent:
    """Record a status change on a locked request; the caller has checked it is allowed.

    Resolving records `resolution` (or none) as the request's code; reopening clears it."""
    from_status = request.status
    request.status = to_status
    request.updated_at = now
    fields = ["status", "updated_at"]
    reopened = from_status == Status.RESOLVED and to_status == Status.IN_PROGRESS
    if to_status == Status.RESOLVED or reopened:
        request.resolution_code = resolution
        fields.append("resolution_code")
    if to_status == Status.ACKNOWLEDGED and request.acknowledged_at is None:
        request.acknowledged_at = now
        fields.append("acknowledged_at")
    if to_status == Status.RESOLVED:
        request.resolved_at = now
        fields.append("resolved_at")
    if from_status == Status.RESOLVED and to_status == Status.IN_PROGRESS:
        request.resolved_at = None
        fields.append("resolved_at")
    if to_status in FINISHED_STATUSES:
        request.closed_at = now
        fields.append("closed_at")
    request.save(update_fields=fields)
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.STATUS,
        actor=actor,
        created_at=now,
        body=note,
        data={
            "from": from_status,
            "to": to_status,
            "reopened": reopened,
            **(
                {"resolution_code": resolution.code, "resolution": resolution.label}
                if resolution is not None
                else {}
            ),
            # A move out of "new" by the team is its first response, for the SLA clock.
            "by_team": actor is not None and can_work_on(actor, request),
        },
    )
    sla_refresh(request=request, now=now)
    lifecycle.status_changed(
        request=request, from_status=from_status, to_status=to_status, event=event, now=now
    )
    return event


def _resolution_code(request: Request, to_status: str, code: str) -> ResolutionCode | None:
    """The department's active code named `code` for a resolution (None without one)."""
    if not code:
        return None
    if to_status != Status.RESOLVED:
        raise ValidationFailed(
            "A resolution code goes with resolving only.",
            errors={"resolution_code": ["only when the status becomes resolved"]},
        )
    codes = {c.code: c for c in request.department.resolution_codes.filter(is_active=True)}
    if code not in codes:
        names = ", ".join(codes) or "none (this department has no resolution codes)"
        raise ValidationFailed(
            f"{code!r} is not a resolution code of {request.department.name}; use one of: {names}.",
            errors={"resolution_code": [f"one of: {names}"]},
        )
    return codes[code]


@transaction.atomic
def request_transition(
    *,
    request: Request,
    actor: Person,
    to_status: str,
    note: str = "",
    resolution_code: str = "",
    now: datetime | None = None,
) -> Request:
    """Move a request to another status, if the machine and the actor's role allow it.

    `note` is public (the resolution note, a reason for cancelling) and goes on the timeline
    with the change; `resolution_code`, one of the department's codes, only with resolving.
    """
    moment = clock.resolve(now)
    if to_status not in Status.values:
        raise ValidationFailed(
            f"Unknown status {to_status!r}; use one of {', '.join(Status.values)}.",
            errors={"status": ["unknown status"]},
        )
    request = _lock(request)
    allowed = allowed_transitions(user=actor, request=request)
    if to_status not in allowed:
        names = ", ".join(allowed) or "none"
        raise Conflict(
            f"{request.number} cannot go from {request.status} to {to_status}; "
            f"allowed for you now: {names}.",
            errors={"status": [f"allowed: {names}"]},
        )
    code = _resolution_code(request, to_status, resolution_code.strip())
    apply_status(
        request, to_status=to_status, actor=actor, now=moment, note=note.strip(), resolution=code
    )
    if can_work_on(actor, request) and to_status in STATUS_NOTICES:
        title, text = STATUS_NOTICES[to_status]
        body = text.format(actor=actor.display_name)
        if note.strip():
            body += f"\n\n{note.strip()}"
        notify(
            requester_audience(request),
            request=request,
            kind=f"request_{to_status}",
            subject=f"{title}: {request.subject}",
            body=body,
            actor=actor,
            public=True,  # a status change and its note are on the public timeline
            now=moment,
        )
    elif is_requester_side(actor, request) and request.assignee is not None:
        notify(
            [request.assignee],
            request=request,
            kind=f"request_{to_status}",
            subject=f"{request.get_status_display()} by the requester: {request.subject}",
            body=f"{actor.display_name} moved {request.number} to "
            f"{request.get_status_display().lower()}.",
            actor=actor,
            public=True,
            now=moment,
        )
    return request


def _require_agent(actor: Person, request: Request, action: str) -> None:
    if not can_work_on(actor, request):
        raise PermissionDenied(
            f"Only agents of {request.department.name} can {action} {request.number}."
        )


@transaction.atomic
def request_assign(
    *, request: Request, actor: Person | None, assignee: Person | None, now: datetime | None = None
) -> Request:
    """Assign (or unassign, with None) within the providing department.

    `actor` None is staffdesk itself (an escalation policy), which needs no agent role.
    """
    moment = clock.resolve(now)
    if actor is not None:
        _require_agent(actor, request, "assign")
    request = _lock(request)
    if not request.is_open:
        raise Conflict(f"{request.number} is {request.status}; only open requests are assigned.")
    if assignee is not None:
        on_team = Membership.objects.filter(
            person=assignee, department_id=request.department_id
        ).exists()
        if not on_team or not assignee.is_active:
            raise ValidationFailed(
                f"{assignee.display_name} is not an active agent of {request.department.name}.",
                errors={"assignee": ["choose an agent of the providing department"]},
            )
    previous = request.assignee
    if (previous and previous.pk) == (assignee and assignee.pk):
        return request
    request.assignee = assignee
    request.updated_at = moment
    request.save(update_fields=["assignee", "updated_at"])
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.ASSIGNMENT,
        actor=actor,
        created_at=moment,
        data={
            "from": previous.pk if previous else None,
            "to": assignee.pk if assignee else None,
            "to_name": assignee.display_name if assignee else "",
        },
    )
    if assignee is not None:
        notify(
            [assignee],
            request=request,
            kind="request_assigned",
            actor=actor,
            # Without an actor it is an escalation policy's step, which only the team sees.
            public=actor is not None,
            now=moment,
            subject=f"Assigned to you: {request.subject}",
            body=f"{actor.display_name if actor else 'An escalation'} assigned {request.number} "
            f"({request.service.name}, {request.get_priority_display()}) to you.",
        )
    return request


@transaction.atomic
def request_set_priority(
    *, request: Request, actor: Person | None, priority: int, now: datetime | None = None
) -> Request:
    """Change the priority; the SLA clocks re-target from the start. `actor` None: staffdesk."""
    moment = clock.resolve(now)
    Priority.check(priority)
    if actor is not None:
        _require_agent(actor, request, "change the priority of")
    request = _lock(request)
    if request.priority == priority:
        return request
    previous = request.priority
    request.priority = priority
    request.updated_at = moment
    request.save(update_fields=["priority", "updated_at"])
    sla_refresh(request=request, now=moment)
    RequestEvent.objects.create(
        request=request,
        kind=RequestEvent.Kind.PRIORITY,
        actor=actor,
        created_at=moment,
        data={"from": previous, "to": priority},
    )
    return request

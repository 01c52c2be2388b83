"""Firing one level on one request: actions, timeline entry, notifications and ledger row.

The rows are collected in a `Firing` and written in bulk by `flush`, in the caller's
transaction: a tick writes a whole batch of requests in a few statements, and a batch that
fails (or a worker killed half-way) writes nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from staffdesk.core.errors import DomainError
from staffdesk.directory.models import Membership, Person
from staffdesk.escalation.display import describe
from staffdesk.escalation.models import Escalation, Level
from staffdesk.notifications.services import Draft, notification_create_many
from staffdesk.requests.models import Priority, Request, RequestEvent
from staffdesk.requests.services import request_assign, request_set_priority
from staffdesk.requests.services.notify import request_url, thread_key

_NUMBER = "NUMBER-0"  # stands for a request number in the link `Firing.link` reverses


def escalation_data(
    level: Level, *, why: str, by_requester: bool, notified: list[str], done: dict | None = None
) -> dict:
    """The data of a fired level's timeline entry, which the request page and the API read:
    the level, why it fired (empty for a requester's escalation, whose reason is the body),
    whom it told by name and what its actions did."""
    return {
        "level": level.position,
        "name": level.name,
        "why": why,
        "by_requester": by_requester,
        "notified": notified,
        **(done or {}),
    }


class Recipients:
    """Who a level tells, with each department's leads read once per tick."""

    def __init__(self) -> None:
        self._leads: dict[int, list[Person]] = {}
        self._team: dict[int, set[int]] = {}

    def leads(self, request: Request) -> list[Person]:
        """The providing department's lead, or without one its service team's leads."""
        department = request.department
        if department.lead_id is not None:
            return [department.lead]  # type: ignore[list-item]  # lead_id is set: a Person
        if department.pk not in self._leads:
            self._leads[department.pk] = [
                m.person
                for m in Membership.objects.filter(
                    department_id=department.pk, role=Membership.Role.LEAD
                ).select_related("person__manager")
            ]
        return self._leads[department.pk]

    def team(self, request: Request) -> set[int]:
        """The providing team's members: of the people a level names, the only ones who may
        see a confidential case, and so the only ones told of it (its subject is in the mail)."""
        if request.department_id not in self._team:
            self._team[request.department_id] = set(
                Membership.objects.filter(department_id=request.department_id).values_list(
                    "person_id", flat=True
                )
            )
        return self._team[request.department_id]

    def for_level(self, level: Level, request: Request) -> list[Person]:
        service = request.service
        people: list[Person | None] = []
        if level.notify_point_person:
            people.append(service.point_person)
        if level.notify_backup:
            people.append(service.backup)
        leads = self.leads(request)
        if level.notify_lead:
            people.extend(leads)
        if level.notify_lead_manager:
            people.extend(lead.manager for lead in leads)
        if level.notify_person_id:
            people.append(level.notify_person)
        allowed = self.team(request) if request.confidential else None
        unique: dict[int, Person] = {}
        for person in people:
            if person is None or not person.is_active:
                continue
            if allowed is None or person.pk in allowed:
                unique.setdefault(person.pk, person)
        return list(unique.values())


@dataclass
class Firing:
    """The rows of the levels fired so far, written together by `flush`."""

    now: datetime
    recipients: Recipients = field(default_factory=Recipients)
    ledger: list[Escalation] = field(default_factory=list)
    events: list[RequestEvent] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    _link: str | None = field(default=None, init=False, repr=False)

    def fire(
        self,
        request: Request,
        level: Level,
        *,
        source: str = Escalation.Source.TRIGGER,
        actor: Person | None = None,
        reason: str = "",
    ) -> bool:
        """Act on the level now; True when an action changed the request (look at it again)."""
        done = _act(request, level, now=self.now)
        by_requester = source == Escalation.Source.REQUESTER
        why = f"{actor.display_name} escalated it: {reason}" if by_requester else describe(level)  # type: ignore[union-attr]  # a requester's escalation has its actor
        told = self.recipients.for_level(level, request)
        self.ledger.append(
            Escalation(
                request=request,
                clock=level.clock,
                level=level,
                source=source,
                actor=actor,
                reason=reason,
                fired_at=self.now,
            )
        )
        self.events.append(
            RequestEvent(
                request=request,
                kind=RequestEvent.Kind.ESCALATION,
                actor=actor,
                created_at=self.now,
                # A requester's escalation is theirs to see; the policy's own steps are the team's.
                is_internal=not by_requester,
                body=reason,
                data=escalation_data(
                    level,
                    why="" if by_requester else why,
                    by_requester=by_requester,
                    notified=[person.display_name for person in told],
                    done=done,
                ),
            )
        )
        subject = f"[{request.number}] Escalated to level {level.position} ({level.name})"
        body = (
            f"{request.number} — {request.subject} ({request.service.name}) was escalated to "
            f"level {level.position}, {level.name}, because {why}."
        )
        url = self.link(request)
        # The ledger shows a policy's own steps only to the providing team; a requester's
        # escalation (and its reason) to whoever sees the request, admins for any that is
        # not confidential.
        shared = by_requester and not request.confidential
        self.drafts.extend(
            Draft(
                recipient=person,
                kind="request_escalated",
                subject=subject,
                body=body,
                url=url,
                thread_key=thread_key(request),
                shared_with_admins=shared,
            )
            for person in told
            if actor is None or person.pk != actor.pk
        )
        return "reassigned_to" in done or "priority" in done

    def link(self, request: Request) -> str:
        """`request_url`, reversed once per Firing: a `reverse` for every level fired cost a
        tenth of a busy tick (the number is all that differs, and it needs no quoting)."""
        if self._link is None:
            self._link = request_url(Request(number=_NUMBER))
        return self._link.replace(_NUMBER, request.number)

    def flush(self) -> int:
        """Write the collected rows; the ledger's unique constraint refuses any step twice."""
        Escalation.objects.bulk_create(self.ledger)
        RequestEvent.objects.bulk_create(self.events)
        notification_create_many(drafts=self.drafts, now=self.now)
        fired = len(self.ledger)
        self.ledger, self.events, self.drafts = [], [], []
        return fired


def _act(request: Request, level: Level, *, now: datetime) -> dict:
    """The level's actions on the request (through the requests services); what they did."""
    done: dict = {}
    backup = request.service.backup
    if level.reassign_to_backup and backup is not None and backup.pk != request.assignee_id:
        try:
            request_assign(request=request, actor=None, assignee=backup, now=now)
            done["reassigned_to"] = backup.display_name
        except DomainError as refusal:  # e.g. the backup has left the team
            done["not_reassigned"] = refusal.message
    if level.raise_priority and request.priority > Priority.P1:
        current = Request.objects.values_list("priority", flat=True).get(pk=request.pk)
        if current > Priority.P1:
            request_set_priority(request=request, actor=None, priority=current - 1, now=now)
            done["priority"] = current - 1
    return done

"""Filing a request: validation, numbering, routing, idempotency."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from staffdesk.announcements.models import ServiceNotice
from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import is_agent_of, is_lead_of, is_org_admin
from staffdesk.requests.filing_cache import Generation
from staffdesk.requests.models import (
    Channel,
    IdempotencyKey,
    Priority,
    Request,
    RequestEvent,
    Urgency,
)
from staffdesk.requests.services.notify import notify
from staffdesk.requests.services.routing import (
    filing_email_off,
    filing_form,
    filing_routing,
    routing_generation,
)
from staffdesk.requests.sla.store import sla_fill_new
from staffdesk.sla.models import Agreement

ASSIGNED = "request_assigned"
SUBJECT_MAX = 200
DESCRIPTION_MAX = 20_000
LOCATION_MAX = 255
ADDRESS_ID_MAX = 64


@dataclass(frozen=True)
class Location:
    """Where a request is about, as the requester gave it; every part is optional, but
    latitude and longitude come together."""

    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address_id: str = ""


def _location_errors(location: Location) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (location.latitude is None) != (location.longitude is None):
        errors["latitude"] = ["give both latitude and longitude, or neither"]
    for name, value, limit in (
        ("latitude", location.latitude, 90),
        ("longitude", location.longitude, 180),
    ):
        if value is not None and not (math.isfinite(value) and -limit <= value <= limit):
            errors[name] = [f"must be a number of degrees from -{limit} to {limit}"]
    for name, text, limit in (
        ("location", location.location, LOCATION_MAX),
        ("address_id", location.address_id, ADDRESS_ID_MAX),
    ):
        if any(ord(char) < 32 for char in text):
            errors[name] = ["one line of text: no line breaks or control characters"]
        elif len(text) > limit:
            errors[name] = [f"at most {limit} characters"]
    return errors


def fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable hash of a creation body, to tell a retry from a different request."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


_NEXT_NUMBER_SQL = (
    "INSERT INTO requests_requestcounter (department_id, last_number) VALUES (%s, 1) "
    "ON CONFLICT (department_id) DO UPDATE "
    "SET last_number = requests_requestcounter.last_number + 1 "
    "RETURNING last_number"
)


def _next_number(department: Department) -> tuple[int, str]:
    """Take the department's next number inside the caller's transaction, in one statement.

    The upsert creates the department's counter at 1 or adds one to it, and returns the
    number (SQLite 3.35+ and PostgreSQL both have `ON CONFLICT ... RETURNING`). It locks the
    counter row until commit (PostgreSQL) or the write lock is already held (SQLite, BEGIN
    IMMEDIATE), so concurrent filings queue here; a rollback returns the number, so there are
    no gaps.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER_SQL, [department.pk])
        (sequence,) = cursor.fetchone()
    return sequence, f"{department.code}-{sequence:06d}"


def _check_filing(
    *,
    requester: Person,
    service: Service,
    on_behalf_of: Person | None,
    priority: int,
    subject: str,
    description: str,
    location: Location,
    asking: bool = False,
) -> None:
    errors: dict[str, list[str]] = _location_errors(location)
    if not service.is_active:
        errors["service"] = [f"the service {service.code!r} is no longer offered"]
    elif asking and service.fulfilment == Service.Fulfilment.REQUEST:
        errors["service"] = [f"{service.name} has a request form: file the request instead"]
    elif service.fulfilment != Service.Fulfilment.REQUEST and not asking:
        errors["service"] = [f"{service.name} is information only; read its description instead"]
    if problem := Priority.problem(priority):
        errors["priority"] = [problem]
    if any(ord(char) < 32 for char in subject):
        errors["subject"] = ["one line of text: no line breaks or control characters"]
    if len(subject) > SUBJECT_MAX:
        errors["subject"] = [f"at most {SUBJECT_MAX} characters"]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"at most {DESCRIPTION_MAX} characters"]
    if on_behalf_of is not None and not on_behalf_of.is_active:
        errors["on_behalf_of"] = ["that person is no longer active"]
    if errors:
        raise ValidationFailed(
            "The request cannot be filed: "
            + "; ".join(f"{field}: {msgs[0]}" for field, msgs in errors.items()),
            errors=errors,
        )
    if on_behalf_of is not None and on_behalf_of.pk != requester.pk:
        allowed = (
            (
                on_behalf_of.department_id is not None
                and is_lead_of(requester, on_behalf_of.department_id)
            )
            or is_agent_of(requester, service.department_id)
            or is_org_admin(requester)
        )
        if not allowed:
            raise PermissionDenied(
                "Only the lead of that person's department, agents of the providing "
                "department and admins can file on someone else's behalf.",
                errors={"on_behalf_of": ["you may not file for someone else"]},
            )


@dataclass(frozen=True)
class _Routing:
    """Who gets a new request and which agreement applies: read before the write
    transaction, so that SQLite's single writer does not wait on these reads."""

    assignee: Person | None
    customer_department_id: int | None
    agreement: Agreement | None
    email_off: set[tuple[int, str]]  # the assignee's, for "request_assigned"


def _routing(
    *,
    service: Service,
    requester: Person,
    on_behalf_of: Person | None,
    now: datetime,
    generation: Generation,
) -> _Routing:
    customer_department_id = (on_behalf_of or requester).department_id
    assignee, agreement = filing_routing(
        service=service,
        customer_department_id=customer_department_id,
        on=timezone.localdate(now),
        generation=generation,
    )
    mailed = assignee is not None and assignee.pk != requester.pk  # never told of one's own
    return _Routing(
        assignee=assignee,
        customer_department_id=customer_department_id,
        agreement=agreement,
        email_off=filing_email_off(person=assignee, kind=ASSIGNED, generation=generation)
        if mailed and assignee is not None
        else set(),
    )


@dataclass(frozen=True)
class Filed:
    """What filing wrote, as it wrote it: the request and its first events, so that the
    answer to the filer needs no read; `replayed` when an Idempotency-Key returned a request
    filed before (whose timeline may have grown since)."""

    request: Request
    events: tuple[RequestEvent, ...]
    replayed: bool = False


@transaction.atomic
def _create(
    *,
    requester: Person,
    service: Service,
    routing: _Routing,
    subject: str,
    description: str,
    answers: dict[str, Any],
    priority: int,
    urgency: str,
    on_behalf_of: Person | None,
    channel: str,
    location: Location,
    idempotency_key: str,
    body_fingerprint: str,
    now: datetime,
    notice: ServiceNotice | None = None,
) -> Filed:
    sequence, number = _next_number(service.department)
    assignee, customer_department_id = routing.assignee, routing.customer_department_id
    request = Request(
        number=number,
        sla_agreement=routing.agreement,
        department=service.department,
        sequence=sequence,
        service=service,
        confidential=service.confidential,
        requester=requester,
        on_behalf_of=on_behalf_of if on_behalf_of and on_behalf_of.pk != requester.pk else None,
        requester_department_id=customer_department_id,
        subject=subject or service.name,
        description=description,
        priority=priority,
        urgency=urgency,
        assignee=assignee,
        answers=answers,
        channel=channel,
        location=location.location,
        latitude=location.latitude,
        longitude=location.longitude,
        address_id=location.address_id,
        notice=notice,
        created_at=now,
        updated_at=now,
    )
    sla_fill_new(request=request, now=now)
    request.save(force_insert=True)
    events = [
        RequestEvent(
            request=request,
            kind=RequestEvent.Kind.CREATED,
            actor=requester,
            created_at=now,
            body=description,
            data={
                "channel": channel,
                "priority": priority,
                "assignee": assignee.pk if assignee else None,
            },
        )
    ]
    if assignee is not None:
        events.append(
            RequestEvent(
                request=request,
                kind=RequestEvent.Kind.ASSIGNMENT,
                actor=None,
                created_at=now,
                data={
                    "from": None,
                    "to": assignee.pk,
                    "to_name": assignee.display_name,
                    "routed": True,
                },
            )
        )
    # One INSERT for both, their ids returned (in this order: the timeline's, by id).
    RequestEvent.objects.bulk_create(events)
    if assignee is not None:
        notify(
            [assignee],
            request=request,
            kind=ASSIGNED,
            actor=requester,
            public=True,  # routing, and the description the requester gave
            now=now,
            email_off=routing.email_off,
            subject=f"Assigned to you: {request.subject}",
            body=(
                f"{request.number} ({service.name}, {request.get_priority_display()}) from "
                f"{requester.display_name} was routed to you.\n\n{description}"
            ),
        )
    if idempotency_key:
        IdempotencyKey.objects.create(
            person=requester,
            key=idempotency_key,
            fingerprint=body_fingerprint,
            request=request,
            created_at=now,
        )
    return Filed(request, tuple(events))


def _replay(existing: IdempotencyKey, body_fingerprint: str) -> Request:
    if existing.fingerprint != body_fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used with a different body; use a new key for a "
            "new request.",
            errors={"Idempotency-Key": ["reused with a different body"]},
        )
    return existing.request


@dataclass(frozen=True)
class Filing:
    """A request checked and routed, ready to be written (`request_submit_commit`)."""

    arguments: dict[str, Any]

    @property
    def requester(self) -> Person:
        return self.arguments["requester"]


def request_submit(
    *,
    requester: Person,
    service: Service,
    answers: Mapping[str, Any],
    subject: str = "",
    description: str = "",
    priority: int | None = None,
    urgency: str = "",
    on_behalf_of: Person | None = None,
    channel: str = Channel.WEB,
    location: Location | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
    asking: bool = False,
) -> Request:
    """File a request; with an idempotency key, a retry of the same body returns the same request.

    `asking`: a question about an information-only service (`questions.request_ask`), which
    only then may be filed; routed, timed and notified like any request of the service.
    """
    return request_submit_commit(
        request_submit_prepare(
            requester=requester,
            service=service,
            answers=answers,
            subject=subject,
            description=description,
            priority=priority,
            urgency=urgency,
            on_behalf_of=on_behalf_of,
            channel=channel,
            location=location,
            idempotency_key=idempotency_key,
            now=now,
            asking=asking,
        )
    )


def request_submit_prepare(
    *,
    requester: Person,
    service: Service,
    answers: Mapping[str, Any],
    subject: str = "",
    description: str = "",
    priority: int | None = None,
    urgency: str = "",
    on_behalf_of: Person | None = None,
    channel: str = Channel.WEB,
    location: Location | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
    asking: bool = False,
    notice: ServiceNotice | None = None,
) -> Filing:
    """Every check and read of filing (answers, permissions, routing, the agreement), before
    any transaction: on SQLite the write lock is then held only for the writes.

    `urgency` is how urgent it is for the requester, in their words; without a `priority`
    it sets the one the request starts at (never critical: that is the team's call)."""
    moment = clock.resolve(now)
    if urgency and urgency not in Urgency.values:
        raise ValidationFailed(
            f"Unknown urgency {urgency!r}; use one of {', '.join(Urgency.values)}.",
            errors={"urgency": [f"one of: {', '.join(Urgency.values)}"]},
        )
    if priority is None:
        priority = Urgency(urgency).priority if urgency else Priority.P3
    subject, description = subject.strip(), description.strip()
    location = location or Location()
    location = Location(
        location=location.location.strip(),
        latitude=location.latitude,
        longitude=location.longitude,
        address_id=location.address_id.strip(),
    )
    _check_filing(
        requester=requester,
        service=service,
        on_behalf_of=on_behalf_of,
        priority=priority,
        subject=subject,
        description=description,
        location=location,
        asking=asking,
    )
    if notice is not None and not notice.services.filter(pk=service.pk).exists():
        raise ValidationFailed(
            "That service notice is not about this service.",
            errors={"notice": ["not a notice of this service"]},
        )
    generation = routing_generation(service)
    cleaned = answers_validate(
        fields=filing_form(service, generation=generation),
        answers=answers,
        user=requester,
        now=moment,
    )
    if len(idempotency_key) > 255:
        raise ValidationFailed(
            "The Idempotency-Key is too long (at most 255 characters).",
            errors={"Idempotency-Key": ["at most 255 characters"]},
        )
    body_fingerprint = fingerprint(
        {
            "service": service.code,
            "subject": subject,
            "description": description,
            "answers": cleaned,
            "priority": priority,
            **({"urgency": urgency} if urgency else {}),
            "on_behalf_of": on_behalf_of.pk if on_behalf_of else None,
            **({"location": asdict(location)} if location != Location() else {}),
        }
    )
    return Filing(
        dict(
            requester=requester,
            service=service,
            routing=_routing(
                service=service,
                requester=requester,
                on_behalf_of=on_behalf_of,
                now=moment,
                generation=generation,
            ),
            subject=subject,
            description=description,
            answers=cleaned,
            priority=priority,
            urgency=urgency,
            on_behalf_of=on_behalf_of,
            channel=channel,
            location=location,
            idempotency_key=idempotency_key,
            body_fingerprint=body_fingerprint,
            # Filed anyway while a notice was current: the team sees the link.
            notice=notice if notice is not None and notice.is_current(moment) else None,
            now=moment,
        )
    )


def request_submit_commit(filing: Filing) -> Request:
    """Write a prepared filing in one transaction (the caller's, if it has one)."""
    return request_file(filing).request


def request_file(filing: Filing) -> Filed:
    """`request_submit_commit`, answering with what was written (`Filed`).

    A retry with a known Idempotency-Key is answered before any transaction; two retries
    racing both get past that check, and the unique key then turns the loser back below."""
    key = filing.arguments["idempotency_key"]
    if key:
        existing = IdempotencyKey.objects.filter(person=filing.requester, key=key).first()
        if existing is not None:
            return Filed(_replay(existing, filing.arguments["body_fingerprint"]), (), replayed=True)
    try:
        return _create(**filing.arguments)
    except IntegrityError:
        # Two retries with one key raced; the loser's transaction is rolled back whole
        # (number included) and it answers with what the winner created.
        if not key:
            raise
        existing = IdempotencyKey.objects.select_related("request").get(
            person=filing.requester, key=key
        )
        return Filed(_replay(existing, filing.arguments["body_fingerprint"]), (), replayed=True)

"""Reads of requests, always through `visible_to(user)`."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from staffdesk.catalog.models import FormField, Service
from staffdesk.catalog.selectors import service_list
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.generations import generation_read
from staffdesk.core.ids import parse_id
from staffdesk.core.pagination import Page, Total, count_up_to, paginate_by_id, paginate_by_keys
from staffdesk.core.types import JSON
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.selectors import is_agent_of, is_org_admin, team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.requests import filing_cache
from staffdesk.requests.models import (
    OPEN_STATUSES,
    Attachment,
    Priority,
    Request,
    RequestEvent,
    Status,
    Watcher,
)
from staffdesk.requests.search import matching
from staffdesk.requests.transitions import moves


@dataclass(frozen=True)
class RequestFilters:
    """What a request list may be narrowed by; empty values mean "any"."""

    status: tuple[str, ...] = ()
    service: str = ""
    department: str = ""
    assignee: str = ""  # a person id, "me" or "none"
    requester: str = ""  # a person id or "me"
    text: str = ""
    priority: int | None = None


def _person_filter(value: str, *, user: Viewer, field: str) -> Q:
    if value == "me":
        return Q(**{f"{field}_id": user.pk})
    if value == "none" and field == "assignee":
        return Q(assignee__isnull=True)
    if (person_id := parse_id(value)) is not None:
        return Q(**{f"{field}_id": person_id})
    raise ValidationFailed(
        f"{field} must be a person id or 'me'{' or none' if field == 'assignee' else ''}.",
        errors={field: [f"not a person id: {value!r}"]},
    )


def request_list(*, user: Viewer, filters: RequestFilters | None = None) -> QuerySet[Request]:
    filters = filters or RequestFilters()
    requests = Request.objects.visible_to(user).select_related(
        "service", "department", "requester", "on_behalf_of", "assignee"
    )
    unknown = [status for status in filters.status if status not in Status.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown status {', '.join(unknown)}; use one of {', '.join(Status.values)}.",
            errors={"status": [f"unknown: {', '.join(unknown)}"]},
        )
    if filters.status:
        requests = requests.filter(status__in=filters.status)
    if filters.service:
        requests = requests.filter(service__code=filters.service)
    if filters.department:
        requests = requests.filter(department__code=filters.department.upper())
    if filters.assignee:
        requests = requests.filter(_person_filter(filters.assignee, user=user, field="assignee"))
    if filters.requester:
        requests = requests.filter(_person_filter(filters.requester, user=user, field="requester"))
    if filters.priority is not None:
        Priority.check(filters.priority)
        requests = requests.filter(priority=filters.priority)
    if filters.text.strip():
        requests = requests.filter(matching(filters.text))
    return requests


# What a page of the API's request list shows (RequestOut), and only that: without the SLA
# columns and the people's passwords, dates and links, a page of 50 loads in 7 ms instead of
# 11 ms (SQLite, a million requests). Anything else read from these rows costs a query each.
PERSON_COLUMNS = ("id", "username", "first_name", "last_name", "email", "title")
LIST_COLUMNS = (
    *[
        "number",
        "subject",
        "description",
        "priority",
        "status",
        "channel",
        "confidential",
        "answers",
        "location",
        "latitude",
        "longitude",
        "address_id",
        "created_at",
        "updated_at",
        "acknowledged_at",
        "resolved_at",
        "closed_at",
        "department_id",
        "service_id",
        "requester_id",
        "on_behalf_of_id",
        "assignee_id",
    ],
    "service__code",
    "service__name",
    "department__code",
    *(
        f"{person}__{column}"
        for person in ("requester", "on_behalf_of", "assignee")
        for column in PERSON_COLUMNS
    ),
)


def request_page(
    *,
    user: Viewer,
    filters: RequestFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """A page of `request_list`, newest first, as model instances. The API reads the same
    page through `compiled_reads.request_page`, tested equal to this."""
    requests = request_list(user=user, filters=filters).only(*LIST_COLUMNS)
    return paginate_by_id(requests, cursor=cursor, limit=limit)


# Orders a list can be shown in; each ends with the id so the order is total (keyset pages).
REQUEST_SORTS: dict[str, tuple[str, ...]] = {
    "urgency": ("sla_due_at", "id"),
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "priority": ("priority", "created_at", "id"),
    "updated": ("-updated_at", "-id"),
}
LIST_PAGE_SIZE = 25


def _sorted_page(requests: QuerySet[Request], *, sort: str, cursor: str | None, limit: int) -> Page:
    if sort not in REQUEST_SORTS:
        raise ValidationFailed(
            f"Unknown sort {sort!r}; use one of {', '.join(REQUEST_SORTS)}.",
            errors={"sort": [f"unknown: {sort}"]},
        )
    return paginate_by_keys(requests, keys=REQUEST_SORTS[sort], cursor=cursor, limit=limit)


@dataclass(frozen=True)
class QueueScope:
    """What a queue covers: the departments it may show (an agent's teams'; an organization
    admin's also every department offering a service that is not confidential), the active
    members of the teams shown (whom work can be assigned to) and their services."""

    departments: list[Department]
    members: list[Person]
    services: list[Service]
    own_department_ids: frozenset[int] = frozenset()

    @property
    def needs_department(self) -> bool:
        """An organization admin on no team chooses a department before the queue lists any."""
        return not self.own_department_ids


def queue_scope(*, user: Viewer, department: str = "") -> QueueScope:
    """The queue is for agents, leads and organization admins; anybody else gets NotFound.

    `department` (a code) is the department chosen, whose team and services an organization
    admin then also gets to filter by.
    """
    # What it reads (departments, people, teams, services) bumps the routing generation on
    # every change, so a process reuses a scope until one of them changes.
    generation = (generation_read(filing_cache.ROUTING),)
    key = (user.pk, is_org_admin(user), department.upper())
    hit, scope = _scopes.get(generation, key)
    if not hit:
        scope = _queue_scope(user=user, department=department)
        _scopes.put(generation, key, scope)
    if scope is None:
        raise NotFound("The queue is for members of a service team.")
    return scope


# Viewers x departments chosen; their scopes are read-only to the callers.
_scopes = filing_cache.GenerationCache(1024)


def _queue_scope(*, user: Viewer, department: str) -> QueueScope | None:
    team_ids = team_department_ids(user)
    admin = is_org_admin(user)
    if not team_ids and not admin:
        return None
    others = _departments_for_admins(user=user) if admin else []
    shown_ids = set(team_ids)
    shown_ids |= {d.pk for d in others if d.code == department.upper()}
    # Correlated EXISTS, not `person__in=<visible people>`: SQLite listed all 30,000 people
    # of a large organization first (11 ms of the queue page).
    visible_people = Person.objects.visible_to(user).filter(pk=OuterRef("person_id"))
    visible_departments = Department.objects.visible_to(user).filter(pk=OuterRef("department_id"))
    memberships = (
        Membership.objects.filter(department_id__in=shown_ids, person__is_active=True)
        .filter(Exists(visible_people), Exists(visible_departments))
        .select_related("person", "department")
        .order_by("department__name", "person__last_name", "person__first_name", "person_id")
    )
    departments: dict[int, Department] = {}
    members: dict[int, Person] = {}
    for membership in memberships:
        if membership.department_id in team_ids:
            departments.setdefault(membership.department_id, membership.department)
        members.setdefault(membership.person_id, membership.person)
    for other in others:
        departments.setdefault(other.pk, other)
    services = (
        Service.objects.visible_to(user)
        .filter(department_id__in=shown_ids)
        .select_related("department")
        .order_by("department__name", "name", "id")
    )
    return QueueScope(
        departments=sorted(departments.values(), key=lambda d: (d.name, d.pk)),
        members=sorted(members.values(), key=lambda p: (p.last_name, p.first_name, p.pk)),
        services=list(services),
        own_department_ids=frozenset(team_ids),
    )


def _departments_for_admins(*, user: Viewer) -> list[Department]:
    """The departments whose queue an organization admin may open: those offering a service
    that is not confidential, whose requests they see (a confidential service's cases stay
    hidden from them)."""
    offered = Service.objects.filter(department_id=OuterRef("pk"), confidential=False)
    return list(Department.objects.visible_to(user).filter(Exists(offered)).order_by("name", "id"))


def queue_list(*, user: Viewer, filters: RequestFilters | None = None) -> QuerySet[Request]:
    """Open requests of the departments whose team the user is on (all open statuses by
    default); an organization admin who chose a department gets the ones of it they see."""
    filters = filters or RequestFilters()
    filters = replace(filters, status=filters.status or OPEN_STATUSES)
    requests = request_list(user=user, filters=filters)
    if not set(filters.status) <= set(OPEN_STATUSES):
        # Never the same condition twice: PostgreSQL counts a repeated `status IN (...)`
        # twice, expected a tenth of the open requests it found, and sorted them all
        # instead of reading the urgency index (225 ms instead of 1 ms at a million).
        requests = requests.filter(status__in=OPEN_STATUSES)
    if filters.department and is_org_admin(user):
        # request_list narrowed to that department; visible_to hides what they may not see.
        return requests
    return requests.filter(department_id__in=team_department_ids(user))


def queue_page(
    *,
    user: Viewer,
    filters: RequestFilters | None = None,
    sort: str = "newest",
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> Page:
    return _sorted_page(
        queue_list(user=user, filters=filters), sort=sort, cursor=cursor, limit=limit
    )


# How far the queue counts its requests: beyond this it says "more than 1,000".
QUEUE_COUNT_CAP = 1000


def queue_total(*, user: Viewer, filters: RequestFilters | None = None) -> Total:
    """How many requests the queue holds under these filters, up to QUEUE_COUNT_CAP."""
    return count_up_to(queue_list(user=user, filters=filters), cap=QUEUE_COUNT_CAP)


# "My requests": how a request concerns me, and the status groups it can be narrowed to.
MY_RELATIONS = ("all", "filed", "watching")
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "done": (Status.RESOLVED, Status.CLOSED, Status.CANCELLED),
    "all": (),
}


def my_request_list(
    *, user: Person, relation: str = "all", filters: RequestFilters | None = None
) -> QuerySet[Request]:
    """What I filed, what was filed for me, what I watch ("all"), or one of those kinds."""
    if relation not in MY_RELATIONS:
        raise ValidationFailed(
            f"Unknown relation {relation!r}; use one of {', '.join(MY_RELATIONS)}.",
            errors={"relation": [f"unknown: {relation}"]},
        )
    filed = Q(requester_id=user.pk) | Q(on_behalf_of_id=user.pk)
    watching = Q(Exists(Watcher.objects.filter(request_id=OuterRef("pk"), person_id=user.pk)))
    rule = {"all": filed | watching, "filed": filed, "watching": watching}[relation]
    return request_list(user=user, filters=filters).filter(rule)


def my_request_page(
    *,
    user: Person,
    relation: str = "all",
    filters: RequestFilters | None = None,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> Page:
    requests = my_request_list(user=user, relation=relation, filters=filters)
    return _sorted_page(requests, sort="newest", cursor=cursor, limit=limit)


def request_counts(*, user: Viewer, filters: RequestFilters | None = None) -> dict[str, int]:
    """How many visible requests match, per status, in one grouped query."""
    rows = (
        request_list(user=user, filters=filters)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    by_status = dict.fromkeys(Status.values, 0)
    by_status.update(dict(rows))
    return by_status


def service_for_filing(*, user: Viewer, code: str) -> Service:
    """`access_service` for filing, from the per-process cache (`filing_cache`) while the
    routing generation stands, and without the form, which filing takes from that cache too.

    Only active services are cached: `Service.visible_to` shows those to everyone, so the
    entry read for one person serves the next (tests/api/test_filing_cache.py checks it for
    each role); an inactive one is read through `visible_to` each time. Each caller gets its
    own copy, with the generation it was read under (`routing_generation`)."""
    generation = filing_cache.current_generation()
    key = ("service", code)
    found, service = filing_cache.cache.get(generation, key)
    if not found:
        service = service_list(user=user).prefetch_related(None).filter(code=code).first()
        if service is None:
            raise NotFound(f"No service with code {code!r}.")
        if service.is_active:
            filing_cache.cache.put(generation, key, service)
    service = copy.copy(service)
    service.routing_generation = generation
    return service


def request_numbered(*, user: Viewer, number: str) -> QuerySet[Request]:
    """The request with this number if the user may see it, with what its page shows."""
    return (
        Request.objects.visible_to(user)
        .select_related(
            "service",
            "department",
            "requester",
            "on_behalf_of",
            "assignee",
            "requester_department",
            "sla_agreement__calendar",
        )
        .filter(number=number.upper())
    )


def access_request(*, user: Viewer, number: str) -> Request:
    """The request with this number if the user may see it; otherwise NotFound, never 403."""
    request = request_numbered(user=user, number=number).first()
    if request is None:
        raise NotFound(f"No request {number}.")
    return request


def request_timeline(*, user: Viewer, request: Request) -> QuerySet[RequestEvent]:
    """The events of a request this user may see, with their attachments, oldest first."""
    return (
        RequestEvent.objects.visible_to(user)
        .filter(request=request)
        .select_related("actor")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.visible_to(user).order_by("id"))
        )
        .order_by("created_at", "id")
    )


def request_attachments(*, user: Viewer, request: Request) -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(user).filter(request=request).select_related("uploaded_by")


def access_attachment(*, user: Viewer, request: Request, attachment_id: int) -> Attachment:
    attachment = request_attachments(user=user, request=request).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"No attachment {attachment_id} on request {request.number}.")
    return attachment


def request_watchers(*, user: Viewer, request: Request) -> QuerySet[Watcher]:
    # A correlated EXISTS on the one request, not `request__in` over every visible request,
    # which SQLite would materialise first (see docs/performance.md).
    visible = Request.objects.visible_to(user).filter(pk=OuterRef("request_id"))
    return Watcher.objects.filter(request=request).filter(Exists(visible)).select_related("person")


def can_file_critical(*, user: Viewer, service: Service) -> bool:
    """Critical priority is the providing team's call: its agents and leads may file one."""
    return is_agent_of(user, service.department_id)


def can_work_on(user: Viewer, request: Request) -> bool:
    """Agents and leads of the providing department work on its requests."""
    return is_agent_of(user, request.department_id)


def is_requester_side(user: Viewer, request: Request) -> bool:
    """The requester and the person the request was filed for."""
    return user.pk in (request.requester_id, request.on_behalf_of_id)


def allowed_transitions(*, user: Viewer, request: Request) -> tuple[str, ...]:
    """The statuses this user may move this request to now."""
    return moves(
        request.status,
        team=can_work_on(user, request),
        requester_side=is_requester_side(user, request),
    )


def request_events(*, user: Viewer, request: Request) -> QuerySet[RequestEvent]:
    """The timeline without its files: an attachment event names its file in `data`."""
    return (
        RequestEvent.objects.visible_to(user)
        .filter(request=request)
        .select_related("actor")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Answer:
    """One answer of the request form under its field's label; `moment` for date answers."""

    label: str
    text: str
    moment: datetime | None = None


def request_answers(*, request: Request, fields: list[FormField] | None = None) -> list[Answer]:
    """The answers in form order, list keys shown by their names (one query for the fields,
    unless the caller read `fields`, the service's, already)."""
    if fields is None:
        fields = list(request.service.fields.all())
    names = _people_named(fields, request.answers)
    answers = [
        _answer(field, request.answers[field.code], names)
        for field in fields
        if field.code in request.answers
    ]
    known = {field.code for field in fields}
    # A field removed from the form after filing keeps its answer, under its code.
    answers += [
        Answer(label=code, text=str(value))
        for code, value in request.answers.items()
        if code not in known
    ]
    return answers


def _people_named(fields: list[FormField], answers: dict[str, JSON]) -> dict[str, str]:
    """Person answers' ids → names, in one query when the form has a person question.

    The answer is part of the request, so whoever sees the request reads the name, also of
    someone who has left since."""
    ids = [
        answers[field.code]
        for field in fields
        if field.datatype == FormField.Datatype.PERSON and isinstance(answers.get(field.code), int)
    ]
    if not ids:
        return {}
    people = Person.objects.filter(pk__in=ids)
    return {str(person.pk): person.display_name for person in people}


def _answer(field: FormField, value: JSON, people: dict[str, str]) -> Answer:
    names = {str(choice["key"]): str(choice["name"]) for choice in field.values}
    if field.datatype == FormField.Datatype.PERSON:
        names = people
    values = value if isinstance(value, list) else [value]
    text = ", ".join(names.get(str(item), str(item)) for item in values)
    if field.datatype == FormField.Datatype.DATETIME and isinstance(value, str):
        return Answer(label=field.label, text=text, moment=parse_datetime(value))
    return Answer(label=field.label, text=text)


OTHER_OPEN_SHOWN = 5


def requester_other_open(*, user: Viewer, request: Request) -> QuerySet[Request]:
    """The requester's other open requests that `user` may see, newest first (one more than
    shown, to tell the list was cut): the team sees whether this is the third time."""
    others = (
        Request.objects.visible_to(user)
        .filter(requester_id=request.requester_id, status__in=OPEN_STATUSES)
        .exclude(pk=request.pk)
        .select_related("department")
        .order_by("-created_at", "-id")
    )
    return others[: OTHER_OPEN_SHOWN + 1]


def team_agents(*, request: Request) -> QuerySet[Person]:
    """Active members of the providing team: whom the request may be assigned to."""
    team = Membership.objects.filter(department_id=request.department_id)
    return Person.objects.filter(pk__in=team.values("person_id"), is_active=True)


def access_watcher(*, user: Viewer, request: Request, person_id: int) -> Watcher:
    watcher = request_watchers(user=user, request=request).filter(person_id=person_id).first()
    if watcher is None:
        raise NotFound(f"Person {person_id} does not watch {request.number}.")
    return watcher

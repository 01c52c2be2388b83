"""The hot request lists without building a queryset per call: the API's list and the
queue's first page and count.

`request_page`, `queue_page` and `queue_total` return what the selectors of the same names
return (the same rows, in the same order, with the same cursors) for the same arguments.
They compile `selectors.request_list`/`queue_list` - and so `Request.objects.visible_to` -
once per shape through `core.compiled`, with placeholders where the viewer's id, their team
departments and the filters' values go, and read plain rows instead of model instances (a
page of 50 is five model instances a row less). `tests/requests/test_compiled_reads.py`
checks the equality for every kind of viewer on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import QuerySet

from staffdesk.catalog.models import FormField
from staffdesk.core.compiled import Slots, run_compiled, run_compiled_instances
from staffdesk.core.errors import NotFound
from staffdesk.core.ids import parse_id
from staffdesk.core.pagination import (
    Page,
    Total,
    check_limit,
    decode_cursor,
    encode_cursor,
    next_page_cursor,
)
from staffdesk.directory.models import Membership, Person
from staffdesk.directory.selectors import remember_team_roles, team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.requests import selectors
from staffdesk.requests.models import (
    SLA_NEVER,
    Attachment,
    Priority,
    Request,
    RequestEvent,
    ResolutionCode,
    Status,
    Watcher,
    worst_sla_alert,
)
from staffdesk.requests.search import matching_terms, search_terms
from staffdesk.requests.selectors import (
    LIST_COLUMNS,
    LIST_PAGE_SIZE,
    PERSON_COLUMNS,
    REQUEST_SORTS,
    RequestFilters,
    queue_list,
    request_list,
    request_numbered,
)
from staffdesk.requests.selectors import queue_page as orm_queue_page
from staffdesk.requests.selectors import queue_total as orm_queue_total
from staffdesk.requests.selectors import request_page as orm_request_page
from staffdesk.requests.sla.clocks import ClockState

_PEOPLE = ("requester", "on_behalf_of", "assignee")
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)
_COLUMNS = ("id", *LIST_COLUMNS)
_AT = {column: position for position, column in enumerate(_COLUMNS)}


@dataclass(frozen=True)
class PersonRow:
    """A person as a list row names them (the columns `PersonRef` shows)."""

    id: int
    display_name: str
    email: str
    title: str


@dataclass(frozen=True)
class CodeRow:
    """A service or department as a list row names it."""

    code: str
    name: str = ""


@dataclass(frozen=True)
class RequestRow:
    """One request of a list page: the attributes `RequestOut` reads."""

    id: int
    number: str
    service: CodeRow
    department: CodeRow
    subject: str
    description: str
    priority: int
    status: str
    channel: str
    confidential: bool
    requester: PersonRow
    on_behalf_of: PersonRow | None
    assignee: PersonRow | None
    answers: dict[str, Any]
    location: str
    latitude: float | None
    longitude: float | None
    address_id: str
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


def _person(row: tuple[Any, ...], who: str, at: dict[str, int] = _AT) -> PersonRow | None:
    if row[at[f"{who}_id"]] is None:
        return None
    first, last = row[at[f"{who}__first_name"]], row[at[f"{who}__last_name"]]
    # Person.display_name: the full name, else the username.
    name = f"{first} {last}".strip() or row[at[f"{who}__username"]]
    return PersonRow(
        id=row[at[f"{who}__id"]],
        display_name=name,
        email=row[at[f"{who}__email"]],
        title=row[at[f"{who}__title"]],
    )


def _request_row(row: tuple[Any, ...]) -> RequestRow:
    at = _AT
    requester = _person(row, "requester")
    assert requester is not None  # a request always has one
    return RequestRow(
        id=row[at["id"]],
        number=row[at["number"]],
        service=CodeRow(code=row[at["service__code"]], name=row[at["service__name"]]),
        department=CodeRow(code=row[at["department__code"]]),
        subject=row[at["subject"]],
        description=row[at["description"]],
        priority=row[at["priority"]],
        status=row[at["status"]],
        channel=row[at["channel"]],
        confidential=row[at["confidential"]],
        requester=requester,
        on_behalf_of=_person(row, "on_behalf_of"),
        assignee=_person(row, "assignee"),
        answers=row[at["answers"]],
        location=row[at["location"]],
        latitude=row[at["latitude"]],
        longitude=row[at["longitude"]],
        address_id=row[at["address_id"]],
        created_at=row[at["created_at"]],
        updated_at=row[at["updated_at"]],
        acknowledged_at=row[at["acknowledged_at"]],
        resolved_at=row[at["resolved_at"]],
        closed_at=row[at["closed_at"]],
    )


@dataclass(frozen=True)
class _ViewerShape:
    """What of the viewer changes the SQL: signed in, an organization admin, how many teams."""

    signed_in: bool
    is_superuser: bool = False
    teams: int = 0


def _viewer_shape(user: Viewer) -> tuple[_ViewerShape, dict[str, Any]]:
    """The viewer's shape and the values of its placeholders."""
    if not (user and user.is_authenticated):
        return _ViewerShape(signed_in=False), {}
    teams = sorted(team_department_ids(user))
    values: dict[str, Any] = {"user": user.pk}
    values |= {f"team{position}": team for position, team in enumerate(teams)}
    return _ViewerShape(signed_in=True, is_superuser=user.is_superuser, teams=len(teams)), values


def _placeholder_viewer(shape: _ViewerShape, slots: Slots) -> Viewer:
    """A viewer standing for every viewer of this shape: its id and teams are placeholders."""
    if not shape.signed_in:
        return AnonymousUser()
    viewer = Person(pk=slots.number("user"), is_superuser=shape.is_superuser)
    roles: dict[int, str] = {
        slots.number(f"team{position}"): Membership.Role.MEMBER for position in range(shape.teams)
    }
    remember_team_roles(viewer, roles)
    return viewer


def _person_kind(value: str, *, field: str) -> str | None:
    """How a person filter narrows ("", "me", "none", "id"); None for a value it refuses."""
    if value in ("", "me") or (value == "none" and field == "assignee"):
        return value
    return "id" if parse_id(value) is not None else None


@dataclass(frozen=True)
class _ListShape:
    """A list call split into what changes the SQL (`key`) and the values of its placeholders."""

    key: tuple[Hashable, ...]
    values: dict[str, Any]
    filters: RequestFilters
    viewer: _ViewerShape
    kinds: tuple[str, str]
    terms: tuple[str, str] | None

    def build(self, slots: Slots, listing: Callable[..., QuerySet[Request]]) -> QuerySet[Request]:
        """`listing(user=..., filters=...)` (request_list or queue_list) with placeholders."""
        filters, kinds = self.filters, self.kinds
        shaped = RequestFilters(
            status=filters.status,
            service=slots.text("service") if filters.service else "",
            department=slots.text("department") if filters.department else "",
            assignee=str(slots.number("assignee")) if kinds[0] == "id" else filters.assignee,
            requester=str(slots.number("requester")) if kinds[1] == "id" else filters.requester,
            priority=filters.priority,
        )
        requests = listing(user=_placeholder_viewer(self.viewer, slots), filters=shaped)
        if self.terms is not None:
            # request_list's last filter, with the query it derives from the text.
            number = slots.text("number") if self.terms[1] else ""
            requests = requests.filter(matching_terms(slots.text("match"), number))
        return requests


def _list_shape(user: Viewer, filters: RequestFilters) -> _ListShape | None:
    """The shape of a list call; None for filters the ORM path refuses with its own message."""
    assignee = _person_kind(filters.assignee, field="assignee")
    requester = _person_kind(filters.requester, field="requester")
    if assignee is None or requester is None:
        return None
    terms = search_terms(filters.text) if filters.text.strip() else None
    viewer, values = _viewer_shape(user)
    values |= {
        "service": filters.service,
        "department": filters.department.upper(),
        "assignee": parse_id(filters.assignee),
        "requester": parse_id(filters.requester),
    }
    if terms is not None:
        values["match"] = terms[0]
        values["number"] = connection.ops.prep_for_iexact_query(terms[1])
    key = (
        viewer,
        filters.status,
        bool(filters.service),
        bool(filters.department),
        assignee,
        requester,
        filters.priority,
        terms is not None,
        bool(terms and terms[1]),
    )
    return _ListShape(
        key=key,
        values=values,
        filters=filters,
        viewer=viewer,
        kinds=(assignee, requester),
        terms=terms,
    )


def request_page(
    *, user: Viewer, filters: RequestFilters, cursor: str | None = None, limit: int = 50
) -> Page:
    """`selectors.request_page`, from a statement compiled once per shape."""
    check_limit(limit)
    shape = _list_shape(user, filters)
    if shape is None:
        return orm_request_page(user=user, filters=filters, cursor=cursor, limit=limit)
    values = shape.values | {"before_id": decode_cursor(cursor) if cursor else None}

    def build(slots: Slots) -> QuerySet[Any]:
        requests = shape.build(slots, request_list).order_by("-id")
        if cursor:
            requests = requests.filter(id__lt=slots.number("before_id"))
        return requests.values_list(*_COLUMNS)[: limit + 1]

    key = ("request_page", *shape.key, cursor is not None, limit)
    rows = [_request_row(row) for row in run_compiled(key, build, values)]
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


@dataclass(frozen=True)
class QueueRow:
    """One request of the queue's page: what its row shows, and the keys of its sorts."""

    id: int
    number: str
    subject: str
    service: CodeRow
    priority: int
    status: str
    sla_due_at: datetime
    response_state: str
    resolution_state: str
    requester: PersonRow
    on_behalf_of: PersonRow | None
    assignee: PersonRow | None
    created_at: datetime
    updated_at: datetime

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def has_sla_due(self) -> bool:
        """As `Request.has_sla_due`."""
        return self.sla_due_at < SLA_NEVER

    @property
    def sla_alert(self) -> ClockState | None:
        """As `Request.sla_alert`."""
        return worst_sla_alert(self.response_state, self.resolution_state)

    @classmethod
    def of(cls, request: Request) -> QueueRow:
        """The row of a request the ORM read (with its service and people)."""

        def person(who: Person | None) -> PersonRow | None:
            if who is None:
                return None
            return PersonRow(
                id=who.pk, display_name=who.display_name, email=who.email, title=who.title
            )

        requester = person(request.requester)
        assert requester is not None
        return cls(
            id=request.pk,
            number=request.number,
            subject=request.subject,
            service=CodeRow(code=request.service.code, name=request.service.name),
            priority=request.priority,
            status=request.status,
            sla_due_at=request.sla_due_at,
            response_state=request.response_state,
            resolution_state=request.resolution_state,
            requester=requester,
            on_behalf_of=person(request.on_behalf_of),
            assignee=person(request.assignee),
            created_at=request.created_at,
            updated_at=request.updated_at,
        )


_QUEUE_COLUMNS = (
    "id",
    "number",
    "subject",
    "service__code",
    "service__name",
    "priority",
    "status",
    "sla_due_at",
    "response_state",
    "resolution_state",
    "created_at",
    "updated_at",
    *(
        f"{person}{column}"
        for person in _PEOPLE
        for column in ("_id", *(f"__{name}" for name in PERSON_COLUMNS))
    ),
)
_QUEUE_AT = {column: position for position, column in enumerate(_QUEUE_COLUMNS)}


def _queue_row(row: tuple[Any, ...]) -> QueueRow:
    at = _QUEUE_AT
    requester = _person(row, "requester", at)
    assert requester is not None
    return QueueRow(
        id=row[at["id"]],
        number=row[at["number"]],
        subject=row[at["subject"]],
        service=CodeRow(code=row[at["service__code"]], name=row[at["service__name"]]),
        priority=row[at["priority"]],
        status=row[at["status"]],
        sla_due_at=row[at["sla_due_at"]],
        response_state=row[at["response_state"]],
        resolution_state=row[at["resolution_state"]],
        requester=requester,
        on_behalf_of=_person(row, "on_behalf_of", at),
        assignee=_person(row, "assignee", at),
        created_at=row[at["created_at"]],
        updated_at=row[at["updated_at"]],
    )


def queue_page(
    *,
    user: Viewer,
    filters: RequestFilters,
    sort: str = "newest",
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> Page:
    """`selectors.queue_page` as `QueueRow`s. The first page, which is what people open and
    every filter change shows, is read compiled; the pages after it through the ORM."""
    shape = _list_shape(user, filters)
    if cursor or shape is None or sort not in REQUEST_SORTS:
        page = orm_queue_page(user=user, filters=filters, sort=sort, cursor=cursor, limit=limit)
        return replace(page, items=[QueueRow.of(item) for item in page.items])
    check_limit(limit)
    keys = REQUEST_SORTS[sort]

    def build(slots: Slots) -> QuerySet[Any]:
        requests = shape.build(slots, queue_list).order_by(*keys)
        return requests.values_list(*_QUEUE_COLUMNS)[: limit + 1]

    key = ("queue_page", *shape.key, sort, limit)
    rows = [_queue_row(row) for row in run_compiled(key, build, shape.values)]
    items = rows[:limit]
    return Page(
        items=items,
        next_cursor=next_page_cursor(Request, keys, items[-1]) if len(rows) > limit else None,
    )


def queue_total(*, user: Viewer, filters: RequestFilters) -> Total:
    """`selectors.queue_total`: how many requests the queue holds, up to QUEUE_COUNT_CAP."""
    shape = _list_shape(user, filters)
    if shape is None:
        return orm_queue_total(user=user, filters=filters)

    cap = selectors.QUEUE_COUNT_CAP

    def build(slots: Slots) -> QuerySet[Any]:
        return shape.build(slots, queue_list).order_by().values_list("pk")[: cap + 1]

    key = ("queue_total", *shape.key, cap)
    ((found,),) = run_compiled(key, build, shape.values, count=True)
    return Total(count=min(found, cap), more=found > cap)


def access_request(*, user: Viewer, number: str) -> Request:
    """`selectors.access_request` (the same instance, with its select_related objects) from
    a statement compiled once per kind of viewer: the request page's first read."""
    viewer, values = _viewer_shape(user)
    values["number"] = number.upper()

    def build(slots: Slots) -> QuerySet[Any]:
        viewer_placeholder = _placeholder_viewer(viewer, slots)
        return request_numbered(user=viewer_placeholder, number=slots.text("number"))[:1]

    found = run_compiled_instances(("access_request", viewer), build, values)
    if not found:
        raise NotFound(f"No request {number}.")
    request: Request = found[0]
    return request


# --- The request page's other reads ------------------------------------------------------
# The selectors of the same names, compiled once per kind of viewer: the page opens the
# request with `access_request`, then reads these.


def _of_request(
    name: str,
    user: Viewer,
    request: Request,
    listing: Callable[..., QuerySet[Any]],
    *,
    by_requester: bool = False,
) -> list[Any]:
    """`listing(user=..., request=...)`'s instances: a placeholder for the request's id (and
    for its requester's, if the listing reads it)."""
    viewer, values = _viewer_shape(user)
    values["request"] = request.pk
    if by_requester:
        values["requester"] = request.requester_id

    def build(slots: Slots) -> QuerySet[Any]:
        placeholder = Request(pk=slots.number("request"))
        if by_requester:
            placeholder.requester_id = slots.number("requester")
        return listing(user=_placeholder_viewer(viewer, slots), request=placeholder)

    return run_compiled_instances((name, viewer), build, values)


def request_events(*, user: Viewer, request: Request) -> list[RequestEvent]:
    return _of_request("request_events", user, request, selectors.request_events)


def request_timeline(
    *, user: Viewer, request: Request
) -> list[tuple[RequestEvent, tuple[Attachment, ...]]]:
    """`selectors.request_timeline`: each event with the attachments this user sees (what
    its prefetch reads: those of the request, by id, grouped by their event)."""
    events = request_events(user=user, request=request)
    attachments = _of_request("request_attachments", user, request, _event_attachments)
    by_event: dict[int, list[Attachment]] = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    return [(event, tuple(by_event.get(event.pk, ()))) for event in events]


def _event_attachments(*, user: Viewer, request: Request) -> QuerySet[Attachment]:
    return (
        Attachment.objects.visible_to(user)
        .filter(request=request, event__isnull=False)
        .order_by("id")
    )


def request_watchers(*, user: Viewer, request: Request) -> list[Watcher]:
    return _of_request("request_watchers", user, request, selectors.request_watchers)


def requester_other_open(*, user: Viewer, request: Request) -> list[Request]:
    return _of_request(
        "requester_other_open", user, request, selectors.requester_other_open, by_requester=True
    )


def team_agents(*, request: Request) -> list[Person]:
    def build(slots: Slots) -> QuerySet[Any]:
        return selectors.team_agents(request=Request(department_id=slots.number("department")))

    return run_compiled_instances("team_agents", build, {"department": request.department_id})


def form_fields(*, request: Request) -> list[FormField]:
    """The fields of the request's service, in form order (`request_answers` reads them)."""

    def build(slots: Slots) -> QuerySet[Any]:
        return FormField.objects.filter(service_id=slots.number("service"))

    return run_compiled_instances("form_fields", build, {"service": request.service_id})


def resolution_codes(*, request: Request) -> list[ResolutionCode]:
    """The active resolution codes of the providing department."""

    def build(slots: Slots) -> QuerySet[Any]:
        return ResolutionCode.objects.filter(
            department_id=slots.number("department"), is_active=True
        )

    return run_compiled_instances("resolution_codes", build, {"department": request.department_id})

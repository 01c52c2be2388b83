"""The API's request list without building a queryset per call.

`request_page` returns what `selectors.request_page` does (the same rows, in the same order,
with the same next cursor) for the same arguments. It compiles `selectors.request_list` -
and so `Request.objects.visible_to` - once per shape through `core.compiled`, with
placeholders where the viewer's id, their team departments and the filters' values go, and
reads plain rows instead of model instances: a page of 50 is five model instances a row
less. `tests/requests/test_compiled_reads.py` checks the equality for every kind of viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import QuerySet

from staffdesk.core.compiled import Slots, run_compiled
from staffdesk.core.ids import parse_id
from staffdesk.core.pagination import Page, check_limit, decode_cursor, encode_cursor
from staffdesk.directory.models import Membership, Person
from staffdesk.directory.selectors import remember_team_roles, team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.requests.search import matching_terms, search_terms
from staffdesk.requests.selectors import LIST_COLUMNS, RequestFilters, request_list
from staffdesk.requests.selectors import request_page as orm_request_page

_PEOPLE = ("requester", "on_behalf_of", "assignee")
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


def _person(row: tuple[Any, ...], who: str) -> PersonRow | None:
    if row[_AT[f"{who}_id"]] is None:
        return None
    first, last = row[_AT[f"{who}__first_name"]], row[_AT[f"{who}__last_name"]]
    # Person.display_name: the full name, else the username.
    name = f"{first} {last}".strip() or row[_AT[f"{who}__username"]]
    return PersonRow(
        id=row[_AT[f"{who}__id"]],
        display_name=name,
        email=row[_AT[f"{who}__email"]],
        title=row[_AT[f"{who}__title"]],
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


def request_page(
    *, user: Viewer, filters: RequestFilters, cursor: str | None = None, limit: int = 50
) -> Page:
    """`selectors.request_page`, from a statement compiled once per shape."""
    check_limit(limit)
    kinds = (
        _person_kind(filters.assignee, field="assignee"),
        _person_kind(filters.requester, field="requester"),
    )
    if None in kinds:
        return orm_request_page(user=user, filters=filters, cursor=cursor, limit=limit)
    terms = search_terms(filters.text) if filters.text.strip() else None
    viewer_shape, values = _viewer_shape(user)
    values |= {
        "service": filters.service,
        "department": filters.department.upper(),
        "assignee": parse_id(filters.assignee),
        "requester": parse_id(filters.requester),
        "before_id": decode_cursor(cursor) if cursor else None,
    }
    if terms is not None:
        values["match"] = terms[0]
        values["number"] = connection.ops.prep_for_iexact_query(terms[1])
    shape = (
        "request_page",
        viewer_shape,
        filters.status,
        bool(filters.service),
        bool(filters.department),
        kinds,
        filters.priority,
        terms is not None,
        bool(terms and terms[1]),
        cursor is not None,
        limit,
    )

    def build(slots: Slots) -> QuerySet[Any]:
        shaped = RequestFilters(
            status=filters.status,
            service=slots.text("service") if filters.service else "",
            department=slots.text("department") if filters.department else "",
            assignee=str(slots.number("assignee")) if kinds[0] == "id" else filters.assignee,
            requester=str(slots.number("requester")) if kinds[1] == "id" else filters.requester,
            priority=filters.priority,
        )
        viewer = _placeholder_viewer(viewer_shape, slots)
        requests = request_list(user=viewer, filters=replace(shaped, text=""))
        if terms is not None:
            # request_list's last filter, with the query it would derive from the text.
            number = slots.text("number") if terms[1] else ""
            requests = requests.filter(matching_terms(slots.text("match"), number))
        requests = requests.order_by("-id")
        if cursor:
            requests = requests.filter(id__lt=slots.number("before_id"))
        return requests.values_list(*_COLUMNS)[: limit + 1]

    rows = [_request_row(row) for row in run_compiled(shape, build, values)]
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)

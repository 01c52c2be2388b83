"""A department's suggestion queue, for its team: overdue first, the drafts to publish,
the rows of its CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from staffdesk.core import clock
from staffdesk.core.errors import PermissionDenied
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import is_agent_of, team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Response, Suggestion
from staffdesk.feedback.selectors.suggestions.common import (
    PAGE_SIZE,
    STATUS_FILTERS,
    check_choice,
    overdue_q,
)

DRAFTS_SHOWN = 50
QUEUE_SORTS = {"respond_by": ("respond_by", "id"), "votes": ("-vote_count", "id")}


def queue_departments(*, user: Viewer) -> list[Department]:
    """The departments whose suggestions `user` answers (their service teams)."""
    return list(Department.objects.visible_to(user).filter(pk__in=team_department_ids(user)))


def access_queue_department(*, user: Viewer, code: str = "") -> Department:
    """The department of the queue asked for (`code`), or the first of the user's teams."""
    teams = queue_departments(user=user)
    if not teams:
        raise PermissionDenied(
            "The suggestion queue is for the teams that answer suggestions; you are on none."
        )
    if not code:
        return teams[0]
    for department in teams:
        if department.code == code.strip().upper():
            return department
    raise PermissionDenied(f"Only {code.upper()}'s team works through its suggestion queue.")


@dataclass(frozen=True)
class Queue:
    department: Department
    rows: list[Suggestion]  # each with `overdue_now` (1 or 0) and `has_draft`
    page: int
    has_next: bool
    overdue: int  # the department's suggestions overdue now
    drafts: list[Response]  # the first DRAFTS_SHOWN, those due soonest
    drafts_total: int = 0


def _queue_rows(
    *, user: Viewer, department: Department, status: str, sort: str, moment: datetime
) -> QuerySet[Suggestion]:
    if not is_agent_of(user, department.pk):
        raise PermissionDenied(f"Only {department.code}'s team works through its suggestions.")
    if status != "all":
        check_choice(status, [*STATUS_FILTERS, "all"], "status")
    check_choice(sort, QUEUE_SORTS, "sort")
    rows = Suggestion.objects.visible_to(user).filter(department=department)
    if status != "all":
        rows = rows.filter(status__in=STATUS_FILTERS[status])
    return (
        rows.annotate(
            overdue_now=Case(
                When(overdue_q(moment), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .defer("body")
        .order_by("-overdue_now", *QUEUE_SORTS[sort])
    )


def department_queue(
    *,
    user: Viewer,
    department: Department,
    status: str = "open",
    sort: str = "respond_by",
    page: int = 1,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> Queue:
    """A department's suggestions for its team: overdue ones first, then by response target
    (or votes); with the drafts waiting to be published."""
    moment = clock.resolve(now)
    rows = _queue_rows(user=user, department=department, status=status, sort=sort, moment=moment)
    start = (max(page, 1) - 1) * limit
    found = list(rows[start : start + limit + 1])
    # Drafts are their team's (`Response.visible_to`), which `_queue_rows` checked `user` is
    # on: read by the draft index, without the rule's subquery over every suggestion. The
    # page lists the first DRAFTS_SHOWN (a department may keep hundreds) and counts the rest.
    waiting = Response.objects.filter(published_at__isnull=True, suggestion__department=department)
    drafts = list(
        waiting.select_related("suggestion", "written_by").order_by(
            "suggestion__respond_by", "created_at", "id"
        )[: DRAFTS_SHOWN + 1]
    )
    drafts_total = len(drafts) if len(drafts) <= DRAFTS_SHOWN else waiting.count()
    with_draft = set(
        waiting.filter(suggestion_id__in=[s.pk for s in found]).values_list(
            "suggestion_id", flat=True
        )
    )
    for suggestion in found:
        suggestion.has_draft = suggestion.pk in with_draft  # type: ignore[attr-defined]
    overdue = (
        Suggestion.objects.visible_to(user)
        .filter(department=department)
        .filter(overdue_q(moment))
        .count()
    )
    return Queue(
        department=department,
        rows=found[:limit],
        page=max(page, 1),
        has_next=len(found) > limit,
        overdue=overdue,
        drafts=drafts[:DRAFTS_SHOWN],
        drafts_total=drafts_total,
    )


def queue_export(
    *,
    user: Viewer,
    department: Department,
    status: str = "open",
    sort: str = "respond_by",
    now: datetime | None = None,
) -> QuerySet[Suggestion]:
    """Every row of the queue as filtered (for its CSV export), in the queue's order."""
    moment = clock.resolve(now)
    rows = _queue_rows(user=user, department=department, status=status, sort=sort, moment=moment)
    return rows.select_related("service", "author")

""" "You said, we did", and the counts of what each department received and answered
(also for the scorecards)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet

from staffdesk.core import clock
from staffdesk.directory.models import Department
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Response, Suggestion
from staffdesk.feedback.selectors.suggestions.common import PAGE_SIZE, Status, overdue_q
from staffdesk.feedback.selectors.suggestions.lists import help_counts

BOARD_DAYS = 365  # "You said, we did": the last twelve months


@dataclass(frozen=True)
class SuggestionCounts:
    """A department's suggestions received in a period: how many, how many answered within
    the response target, done and declined so far; and how many are overdue now."""

    received: int = 0
    answered_on_time: int = 0
    done: int = 0
    declined: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class DepartmentStats:
    department: Department
    counts: SuggestionCounts


@dataclass(frozen=True)
class BoardItem:
    suggestion: Suggestion
    response: Response | None  # the published response that made it done
    help: dict[str, int]


@dataclass(frozen=True)
class Board:
    items: list[BoardItem]
    stats: list[DepartmentStats]
    since: datetime
    page: int
    has_next: bool
    departments: list[Department] = field(default_factory=list)


def _received_counts(
    suggestions: QuerySet[Suggestion],
    *,
    department_ids: Iterable[int],
    since: datetime,
    until: datetime,
) -> dict[int, SuggestionCounts]:
    # Read from the `suggestion_received` index alone: one range of it per department (the
    # departments named, not a scan of the whole index), counting a column of the index (a
    # count of ids would read the table on PostgreSQL, where the id is not in the index).
    rows = (
        suggestions.filter(
            department_id__in=sorted(department_ids), created_at__gte=since, created_at__lt=until
        )
        .order_by()
        .values("department_id")
        .annotate(
            received=Count("*"),
            on_time=Count("department", filter=Q(responded_at__lte=F("respond_by"))),
            done=Count("department", filter=Q(status=Status.DONE)),
            declined=Count("department", filter=Q(status=Status.DECLINED)),
        )
    )
    return {
        row["department_id"]: SuggestionCounts(
            received=row["received"],
            answered_on_time=row["on_time"],
            done=row["done"],
            declined=row["declined"],
        )
        for row in rows
    }


def department_suggestion_counts(
    *, department_id: int, since: datetime, until: datetime, now: datetime | None = None
) -> SuggestionCounts:
    """For the scorecards: of the department's suggestions received in [since, until), how
    many, answered on time, done, declined; and how many of all its suggestions are overdue
    at `now`. The counts are of its whole box (those marked "visible to us and the author
    only" too): a count tells nothing of any one suggestion."""
    moment = clock.resolve(now)
    mine = Suggestion.objects.filter(department_id=department_id)
    counts = _received_counts(mine, department_ids=[department_id], since=since, until=until).get(
        department_id
    )
    overdue = mine.filter(overdue_q(moment)).count()
    base = counts or SuggestionCounts()
    return SuggestionCounts(
        received=base.received,
        answered_on_time=base.answered_on_time,
        done=base.done,
        declined=base.declined,
        overdue=overdue,
    )


def board(
    *,
    user: Viewer,
    department_id: int | None = None,
    service_id: int | None = None,
    page: int = 1,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> Board:
    """Suggestions done in the last twelve months, newest first, with the response that
    made them done and the "did it help?" counts; and per department, of the suggestions it
    received in those months: how many, answered on time, done, declined."""
    moment = clock.resolve(now)
    since = moment - timedelta(days=BOARD_DAYS)
    visible = Suggestion.objects.visible_to(user)
    done = visible.filter(status=Status.DONE, done_at__gte=since)
    if department_id is not None:
        done = done.filter(department_id=department_id)
    if service_id is not None:
        done = done.filter(service_id=service_id)
    start = (max(page, 1) - 1) * limit
    rows = list(
        # The order of the `suggestion_done` index as it is stored (its ids ascending within
        # one moment: a batch published at once is done at the same instant).
        done.select_related("department", "service").order_by("-done_at", "id")[
            start : start + limit + 1
        ]
    )
    shown = rows[:limit]
    ids = [suggestion.pk for suggestion in shown]
    responses: dict[int, Response] = {}
    for response in Response.objects.filter(
        suggestion_id__in=ids, status=Status.DONE, published_at__isnull=False
    ).order_by("published_at", "id"):
        responses[response.suggestion_id] = response
    helped = help_counts(ids)
    departments = list(Department.objects.visible_to(user).order_by("name"))
    counts = _received_counts(
        visible, department_ids=[d.pk for d in departments], since=since, until=moment
    )
    return Board(
        items=[
            BoardItem(suggestion=s, response=responses.get(s.pk), help=helped[s.pk]) for s in shown
        ],
        stats=[
            DepartmentStats(department=d, counts=counts[d.pk])
            for d in departments
            if d.pk in counts
        ],
        since=since,
        page=max(page, 1),
        has_next=len(rows) > limit,
        departments=departments,
    )

"""Reads of the suggestion box, through each model's `visible_to(user)`.

The parts shown with a page of suggestions (their responses, "did it help?" counts) are read
for the suggestions the page read through `Suggestion.visible_to`: the published responses
of a suggestion one sees are exactly the `Response.visible_to` rows one sees of it, and
reading them by those ids spares the parts' own rule its subquery over every suggestion.
The private follow link reads by its secret alone (whoever holds it is the anonymous author);
the reads the services need to tell people (followers, voters) are read for the system.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from staffdesk.catalog.search import any_word_query
from staffdesk.core import clock
from staffdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from staffdesk.core.pagination import Page, paginate_by_keys
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import is_agent_of, team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    Suggestion,
    SuggestionStatus,
    Vote,
)
from staffdesk.feedback.search_schema import FTS_TABLE, TABLE

Status = SuggestionStatus
OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS)
# The way forward: a response moves a suggestion on to a later one of these, or declines it.
FORWARD = (*OPEN_STATUSES, Status.DONE)
BOARD_DAYS = 365  # "You said, we did": the last twelve months
PAGE_SIZE = 25
SIMILAR_LIMIT = 5
# Similar suggestions are the best this many of the newest matches (ranked by the index:
# a word in the title weighs more than one in the body, bm25 weights / setweight A and C);
# a common word matches thousands, and ranking them all cost 100-300 ms at 100k.
SIMILAR_CANDIDATES = 50
SIMILAR_RECENT = 2000
SECRET_MAX = 200

SORTS = {"newest": ("-created_at", "-id"), "votes": ("-vote_count", "-id")}
QUEUE_SORTS = {"respond_by": ("respond_by", "id"), "votes": ("-vote_count", "id")}
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    **{value: (value,) for value in Status.values},
}

# The table's names are this module's constants; the user's words only ever bound parameters.
_SQLITE_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
_SQLITE_RANKED = (
    f"SELECT rowid FROM (SELECT rowid, bm25({FTS_TABLE}, 4.0, 1.0) AS score "  # noqa: S608
    f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) "
    "ORDER BY score LIMIT %s"
)
_POSTGRES_MATCH = f'"{TABLE}"."search_document" @@ to_tsquery(\'english\', %s)'
_POSTGRES_RANKED = (
    f"SELECT id FROM (SELECT id, search_document FROM {TABLE} "  # noqa: S608
    "WHERE search_document @@ to_tsquery('english', %s) ORDER BY id DESC LIMIT %s) AS recent "
    "ORDER BY ts_rank(search_document, to_tsquery('english', %s)) DESC, id DESC LIMIT %s"
)


def secret_hash(secret: str) -> str:
    """What is stored of a private follow link's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def next_statuses(status: str) -> list[str]:
    """The statuses a response may move a suggestion in `status` to: any later step on the
    way to done, or declined; none once it is done, declined or merged."""
    if status not in OPEN_STATUSES:
        return []
    return [*FORWARD[FORWARD.index(status) + 1 :], Status.DECLINED]


def may_answer(user: Viewer, suggestion: Suggestion) -> bool:
    """The owning department's team answers, merges and restricts its suggestions."""
    return is_agent_of(user, suggestion.department_id)


def _check_choice(value: str, choices: Iterable[str], field_name: str) -> None:
    options = list(choices)
    if value not in options:
        raise ValidationFailed(
            f"Unknown {field_name} {value!r}: one of {', '.join(options)}.",
            errors={field_name: [f"one of {', '.join(options)}"]},
        )


# --- Lists, search, one suggestion ---------------------------------------------------------


@dataclass(frozen=True)
class SuggestionFilters:
    """Which suggestions: `query` any of its words (stemmed), `status` a status or "open"."""

    query: str = ""
    department_id: int | None = None
    service_id: int | None = None
    status: str = ""


def _matching(suggestions: QuerySet[Suggestion], text: str) -> QuerySet[Suggestion]:
    query = any_word_query(text, vendor=connection.vendor)
    if query is None:
        return suggestions.none()
    if connection.vendor == "postgresql":
        return suggestions.filter(
            RawSQL(_POSTGRES_MATCH, [query], output_field=BooleanField())  # noqa: S611
        )
    return suggestions.filter(pk__in=RawSQL(_SQLITE_MATCH, [query]))  # noqa: S611


def suggestion_list(
    *, user: Viewer, filters: SuggestionFilters | None = None
) -> QuerySet[Suggestion]:
    """The suggestions `user` may see, narrowed by `filters`."""
    filters = filters or SuggestionFilters()
    found: QuerySet[Suggestion] = Suggestion.objects.visible_to(user).select_related(
        "department", "service", "author", "merged_into"
    )
    if filters.status:
        _check_choice(filters.status, STATUS_FILTERS, "status")
        found = found.filter(status__in=STATUS_FILTERS[filters.status])
    if filters.department_id is not None:
        found = found.filter(department_id=filters.department_id)
    if filters.service_id is not None:
        found = found.filter(service_id=filters.service_id)
    if filters.query.strip():
        found = _matching(found, filters.query)
    return found


def suggestion_page(
    *,
    user: Viewer,
    filters: SuggestionFilters | None = None,
    sort: str = "newest",
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """One page of `suggestion_list`, newest or most voted first."""
    _check_choice(sort, SORTS, "sort")
    return paginate_by_keys(
        suggestion_list(user=user, filters=filters), keys=SORTS[sort], cursor=cursor, limit=limit
    )


def access_suggestion(*, user: Viewer, suggestion_id: int) -> Suggestion:
    found = suggestion_list(user=user).filter(pk=suggestion_id).first()
    if found is None:
        raise NotFound(f"No suggestion {suggestion_id}.")
    return found


def access_private_suggestion(*, secret: str) -> Suggestion:
    """The anonymous suggestion a private follow link opens (by the hash of its secret)."""
    found = None
    if secret and len(secret) <= SECRET_MAX:
        found = (
            Suggestion.objects.filter(is_anonymous=True, follow_secret_hash=secret_hash(secret))
            .select_related("department", "service", "merged_into")
            .first()
        )
    if found is None:
        raise NotFound("This link opens no suggestion: check that it was copied whole.")
    return found


def similar_suggestions(
    *, user: Viewer, text: str, exclude_id: int | None = None, limit: int = SIMILAR_LIMIT
) -> list[Suggestion]:
    """Up to `limit` suggestions `user` may see that match any word of `text`, best first;
    merged ones are left out (one votes on what they were merged into)."""
    query = any_word_query(text, vendor=connection.vendor)
    if query is None:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_RANKED, [query, SIMILAR_RECENT, query, SIMILAR_CANDIDATES])
        else:
            cursor.execute(_SQLITE_RANKED, [query, SIMILAR_RECENT, SIMILAR_CANDIDATES])
        ranked = [row[0] for row in cursor.fetchall()]
    if exclude_id is not None:
        ranked = [pk for pk in ranked if pk != exclude_id]
    found = {
        suggestion.pk: suggestion
        for suggestion in suggestion_list(user=user)
        .filter(pk__in=ranked)
        .exclude(status=Status.MERGED)
    }
    return [found[pk] for pk in ranked if pk in found][:limit]


# --- The parts of one suggestion -----------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    """What the signed-in person has done about one suggestion."""

    voted: bool
    following: bool
    asked_help: bool  # they are among those asked "did it help?"
    help_answer: str  # their answer, "" if none


def my_marks(*, user: Person, suggestion: Suggestion) -> Marks:
    voted = Vote.objects.visible_to(user).filter(suggestion=suggestion, person=user).exists()
    following = (
        Follower.objects.visible_to(user)
        .filter(suggestion=suggestion, person=user, active=True)
        .exists()
    )
    asked = False
    answer = ""
    if suggestion.help_asked_at is not None:
        asked = suggestion.author_id == user.pk or (
            Vote.objects.visible_to(user)
            .filter(person=user)
            .filter(Q(suggestion=suggestion) | Q(suggestion__merged_into=suggestion))
            .exists()
        )
        mine = HelpAnswer.objects.visible_to(user).filter(suggestion=suggestion, person=user)
        answer = mine.values_list("answer", flat=True).first() or ""
    return Marks(voted=voted, following=following, asked_help=asked, help_answer=answer)


def response_list(*, user: Viewer, suggestion: Suggestion) -> list[Response]:
    """Its responses `user` may see (published ones; drafts too for its team), oldest first."""
    found = Response.objects.filter(suggestion=suggestion)
    if not may_answer(user, suggestion):
        found = found.filter(published_at__isnull=False)
    return list(found.select_related("written_by").order_by("created_at", "id"))


def comment_list(*, user: Viewer, suggestion: Suggestion) -> list[Comment]:
    return list(
        Comment.objects.visible_to(user).filter(suggestion=suggestion).select_related("author")
    )


def merged_list(*, user: Viewer, suggestion: Suggestion) -> list[Suggestion]:
    """The suggestions merged into this one that `user` may see."""
    return list(suggestion_list(user=user).filter(merged_into=suggestion).order_by("created_at"))


def help_counts(suggestion_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{suggestion id: {answer: how many}} of "did it help?": everyone sees the counts of a
    suggestion they see (the ids given), nobody but the team who answered what."""
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(HelpAnswer.Answer.values, 0)
    )
    rows = (
        HelpAnswer.objects.filter(suggestion_id__in=list(suggestion_ids))
        .order_by()
        .values_list("suggestion_id", "answer")
        .annotate(n=Count("pk"))
    )
    for suggestion_id, answer, n in rows:
        counts[suggestion_id][answer] = n
    return counts


@dataclass(frozen=True)
class PrivateView:
    """What the private follow link shows its anonymous author."""

    suggestion: Suggestion
    responses: list[Response]
    comments: list[Comment]
    help_answer: str  # the author's answer to "did it help?", "" if none
    help_counts: dict[str, int]


def private_view(*, secret: str) -> PrivateView:
    suggestion = access_private_suggestion(secret=secret)
    responses = (
        Response.objects.filter(suggestion=suggestion, published_at__isnull=False)
        .select_related("written_by")
        .order_by("published_at", "id")
    )
    answer = (
        HelpAnswer.objects.filter(suggestion=suggestion, by_anonymous_author=True)
        .values_list("answer", flat=True)
        .first()
    )
    return PrivateView(
        suggestion=suggestion,
        responses=list(responses),
        comments=list(Comment.objects.filter(suggestion=suggestion).select_related("author")),
        help_answer=answer or "",
        help_counts=help_counts([suggestion.pk])[suggestion.pk],
    )


# --- "You said, we did" --------------------------------------------------------------------


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


def _overdue_q(moment: datetime) -> Q:
    # Suggestion.is_overdue as a filter: unanswered, still submitted, past its target.
    return Q(status=Status.SUBMITTED, responded_at__isnull=True, respond_by__lte=moment)


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
    overdue = mine.filter(_overdue_q(moment)).count()
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


# --- A department's queue ------------------------------------------------------------------


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
    drafts: list[Response]


def _queue_rows(
    *, user: Viewer, department: Department, status: str, sort: str, moment: datetime
) -> QuerySet[Suggestion]:
    if not is_agent_of(user, department.pk):
        raise PermissionDenied(f"Only {department.code}'s team works through its suggestions.")
    if status != "all":
        _check_choice(status, [*STATUS_FILTERS, "all"], "status")
    _check_choice(sort, QUEUE_SORTS, "sort")
    rows = Suggestion.objects.visible_to(user).filter(department=department)
    if status != "all":
        rows = rows.filter(status__in=STATUS_FILTERS[status])
    return (
        rows.annotate(
            overdue_now=Case(
                When(_overdue_q(moment), then=Value(1)),
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
    # on: read by the draft index, without the rule's subquery over every suggestion.
    drafts = list(
        Response.objects.filter(published_at__isnull=True, suggestion__department=department)
        .select_related("suggestion", "written_by")
        .order_by("suggestion__respond_by", "created_at", "id")
    )
    with_draft = {draft.suggestion_id for draft in drafts}
    for suggestion in found:
        suggestion.has_draft = suggestion.pk in with_draft  # type: ignore[attr-defined]
    overdue = (
        Suggestion.objects.visible_to(user)
        .filter(department=department)
        .filter(_overdue_q(moment))
        .count()
    )
    return Queue(
        department=department,
        rows=found[:limit],
        page=max(page, 1),
        has_next=len(found) > limit,
        overdue=overdue,
        drafts=drafts,
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


# --- Whom the services tell ----------------------------------------------------------------


def _who_still_sees(people: QuerySet[Person], suggestion: Suggestion) -> QuerySet[Person]:
    """Of `people`, those who may see the suggestion: everyone, unless it is restricted to
    its team and named author (`Suggestion.visible_to` for each of them, in one query)."""
    if not suggestion.restricted:
        return people
    sees = Q(memberships__department_id=suggestion.department_id)
    if suggestion.author_id is not None:
        sees |= Q(pk=suggestion.author_id)
    return people.filter(pk__in=Person.objects.filter(sees).values("pk"))


def followers_to_tell(suggestion: Suggestion, *, besides: Iterable[int] = ()) -> list[Person]:
    """The active people following it or a suggestion merged into it, each once, who may see
    it; not those in `besides` (whoever made the change)."""
    following = Follower.objects.filter(
        Q(suggestion=suggestion) | Q(suggestion__merged_into=suggestion), active=True
    ).values("person_id")
    people = Person.objects.filter(pk__in=following, is_active=True).exclude(pk__in=list(besides))
    return list(_who_still_sees(people, suggestion).order_by("pk"))


def voter_ids(suggestion_id: int) -> QuerySet[Vote, int]:
    """The people who voted for it or for a suggestion merged into it (each once)."""
    return (
        Vote.objects.filter(
            Q(suggestion_id=suggestion_id) | Q(suggestion__merged_into=suggestion_id)
        )
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def help_recipients(suggestion: Suggestion) -> list[Person]:
    """Whom "did it help?" is asked of: its named author and its voters (of the suggestions
    merged into it too), active and still seeing it."""
    asked = Q(pk__in=voter_ids(suggestion.pk))
    if suggestion.author_id is not None:
        asked |= Q(pk=suggestion.author_id)
    people = Person.objects.filter(asked, is_active=True)
    return list(_who_still_sees(people, suggestion).order_by("pk"))


def status_before_merge(suggestion: Suggestion) -> str:
    """The status a merged suggestion had: the last one a published response gave it (only
    published responses move a status, and merging is refused once it is done or declined)."""
    last = (
        Response.objects.filter(suggestion=suggestion, published_at__isnull=False)
        .exclude(status="")
        .order_by("-published_at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return last or Status.SUBMITTED

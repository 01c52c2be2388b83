"""Lists of suggestions, full-text search and similar suggestions, one suggestion and
its parts, and what the private follow link opens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from staffdesk.catalog.search import any_word_query
from staffdesk.core.errors import NotFound
from staffdesk.core.pagination import Page, paginate_by_keys
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Comment, Follower, HelpAnswer, Response, Suggestion, Vote
from staffdesk.feedback.search_schema import FTS_TABLE, TABLE
from staffdesk.feedback.selectors.suggestions.common import (
    PAGE_SIZE,
    STATUS_FILTERS,
    Status,
    check_choice,
    may_answer,
    secret_hash,
)

SIMILAR_LIMIT = 5


# Similar suggestions are the best this many of the newest matches (ranked by the index:
# a word in the title weighs more than one in the body, bm25 weights / setweight A and C);
# a common word matches thousands, and ranking them all cost 100-300 ms at 100k.
SIMILAR_CANDIDATES = 50


SIMILAR_RECENT = 2000


SECRET_MAX = 200


SORTS = {"newest": ("-created_at", "-id"), "votes": ("-vote_count", "-id")}


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
        check_choice(filters.status, STATUS_FILTERS, "status")
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
    check_choice(sort, SORTS, "sort")
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

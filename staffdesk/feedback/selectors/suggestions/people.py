"""Whom the services tell of a change: followers, voters, the author; of a restricted
suggestion only those who still see it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from staffdesk.directory.models import Person
from staffdesk.feedback.models import Follower, Response, Suggestion, Vote
from staffdesk.feedback.selectors.suggestions.common import Status


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

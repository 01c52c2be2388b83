"""What the suggestion box's writes share: the notification kinds, the row locks and the
recount of votes, the followers told of a change, the checks of text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.urls import reverse

from staffdesk.core.errors import PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.directory.selectors import is_agent_of
from staffdesk.feedback.models import Suggestion, SuggestionStatus
from staffdesk.feedback.selectors.suggestions import followers_to_tell, voter_ids
from staffdesk.notifications.services import Draft as Notice
from staffdesk.notifications.services import notification_create_many

NEW_KIND = "suggestion_new"
UPDATE_KIND = "suggestion_update"
HELP_KIND = "suggestion_help"

Status = SuggestionStatus
HELP_DELAY = timedelta(weeks=4)  # "did it help?" is asked this long after done


def too_long(text: str, limit: int) -> str:
    return f"at most {limit:,} characters, not {len(text):,}"


def required_text(
    text: str, limit: int, *, empty: str, errors: dict[str, list[str]], name: str
) -> str:
    text = text.strip()
    if not text:
        errors[name] = [empty]
    elif len(text) > limit:
        errors[name] = [too_long(text, limit)]
    return text


def refuse(what: str, errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"{what}: {first}.", errors=errors)


def page_url(suggestion: Suggestion) -> str:
    return reverse("feedback:suggestion", args=[suggestion.pk])


def tell_followers(
    suggestion: Suggestion, *, subject: str, body: str, actor: Person, moment: datetime
) -> None:
    """Each follower of the suggestion or of one merged into it, once (not the actor)."""
    notification_create_many(
        drafts=[
            Notice(
                recipient=person,
                kind=UPDATE_KIND,
                subject=subject,
                body=body,
                url=page_url(suggestion),
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for person in followers_to_tell(suggestion, besides=[actor.pk])
        ],
        now=moment,
    )


def locked(ids: Iterable[int]) -> dict[int, Suggestion]:
    """The suggestions' rows locked, always in the order of their ids (so two writes that
    lock the same two never wait on each other)."""
    rows = Suggestion.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {row.pk: row for row in rows}


def locked_with_target(suggestion: Suggestion) -> tuple[Suggestion, Suggestion | None]:
    """The suggestion and what it is merged into, both locked (read again if a merge or an
    unmerge moved it between the read and the lock)."""
    target_id = Suggestion.objects.filter(pk=suggestion.pk).values_list("merged_into", flat=True)
    expected = target_id.first()
    while True:
        rows = locked([suggestion.pk, *([expected] if expected else [])])
        current = rows[suggestion.pk]
        if current.merged_into_id == expected:
            return current, rows.get(expected) if expected else None
        expected = current.merged_into_id


def recount(suggestion_id: int) -> int:
    """Store the union of its voters and those of the suggestions merged into it (the
    caller holds its row lock)."""
    count = voter_ids(suggestion_id).count()
    Suggestion.objects.filter(pk=suggestion_id).update(vote_count=count)
    return count


def fresh(suggestion_id: int) -> Suggestion:
    return Suggestion.objects.select_related("department", "service", "author", "merged_into").get(
        pk=suggestion_id
    )


def require_team(actor: Person, suggestion: Suggestion, what: str) -> None:
    if not is_agent_of(actor, suggestion.department_id):
        raise PermissionDenied(f"Only the team of the department that owns it {what}.")

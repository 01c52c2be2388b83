"""Votes, and merging duplicates: `vote_count` is the union of the voters of a suggestion
and of those merged into it, recounted under its row lock."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.feedback.models import Follower, Suggestion, Vote
from staffdesk.feedback.selectors.suggestions import status_before_merge
from staffdesk.feedback.services.suggestions.common import (
    Status,
    fresh,
    locked,
    locked_with_target,
    recount,
    require_team,
    tell_followers,
)


@transaction.atomic
def suggestion_vote(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Suggestion:
    """One vote per person; the voter follows it (unless they unfollowed it before)."""
    moment = clock.resolve(now)
    current = locked([suggestion.pk])[suggestion.pk]
    if current.status == Status.MERGED and current.merged_into_id is not None:
        target = Suggestion.objects.only("title").get(pk=current.merged_into_id)
        raise Conflict(
            f"This suggestion was merged into “{target.title}”: vote on {target.pk} instead.",
            errors={"suggestion": [f"vote on {target.pk}"]},
        )
    if current.status in (Status.DONE, Status.DECLINED):
        raise Conflict(
            f"This suggestion is {current.get_status_display().lower()}: voting on it is over."
        )
    already = Conflict(
        "You have already voted for this suggestion: one vote each.",
        errors={"person": ["already voted"]},
    )
    if Vote.objects.filter(suggestion=current, person=person).exists():
        raise already
    try:
        with transaction.atomic():
            Vote.objects.create(suggestion=current, person=person, created_at=moment)
    except IntegrityError as exc:  # the same person's vote from another request, just now
        raise already from exc
    Follower.objects.get_or_create(
        suggestion=current, person=person, defaults={"created_at": moment}
    )
    recount(current.pk)
    return fresh(current.pk)


@transaction.atomic
def suggestion_unvote(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Suggestion:
    """Withdraw one's vote (from its count and that of what it is merged into); one keeps
    following it until one unfollows."""
    clock.resolve(now)
    current, target = locked_with_target(suggestion)
    deleted, _ = Vote.objects.filter(suggestion=current, person=person).delete()
    if not deleted:
        raise Conflict(
            "You have not voted for this suggestion.", errors={"person": ["no vote to withdraw"]}
        )
    recount(current.pk)
    if target is not None:
        recount(target.pk)
    return fresh(current.pk)


@transaction.atomic
def suggestion_merge(
    *, suggestion: Suggestion, into: Suggestion, actor: Person, now: datetime | None = None
) -> Suggestion:
    """Merge a duplicate into another suggestion (of any department): the target counts the
    union of both voters; the duplicate's followers hear of the target from now on."""
    moment = clock.resolve(now)
    if suggestion.pk == into.pk:
        raise ValidationFailed(
            "A suggestion cannot be merged into itself: choose the one it duplicates.",
            errors={"into": ["choose another suggestion"]},
        )
    rows = locked([suggestion.pk, into.pk])
    source, target = rows[suggestion.pk], rows[into.pk]
    require_team(actor, source, "merges it")
    if source.status == Status.MERGED:
        raise Conflict(
            f"It is already merged into {source.merged_into_id}: unmerge it first.",
            errors={"suggestion": ["already merged"]},
        )
    if source.status in (Status.DONE, Status.DECLINED):
        raise Conflict(
            f"It is {source.get_status_display().lower()}: only an open suggestion is merged.",
            errors={"suggestion": [source.get_status_display().lower()]},
        )
    if target.status == Status.MERGED:
        raise Conflict(
            f"“{target.title}” is itself merged into {target.merged_into_id}: merge into that one.",
            errors={"into": [f"merged into {target.merged_into_id}"]},
        )
    if Suggestion.objects.filter(merged_into=source).exists():
        raise Conflict(
            "Other suggestions are merged into this one: merge those into the target first, "
            "or merge the target into this one.",
            errors={"suggestion": ["others are merged into it"]},
        )
    if source.restricted or target.restricted:
        raise Conflict(
            "A suggestion visible to its department and author only is not merged: its title "
            "would show on the other one.",
            errors={"into" if target.restricted else "suggestion": ["restricted"]},
        )
    source.status = Status.MERGED
    source.merged_into = target
    source.updated_at = moment
    source.save(update_fields=["status", "merged_into", "updated_at"])
    recount(target.pk)
    tell_followers(
        source,
        subject=f"“{source.title}” is merged into “{target.title}”",
        body=f"It duplicates “{target.title}”; its votes count there, and you will hear of "
        "that suggestion's changes.",
        actor=actor,
        moment=moment,
    )
    return fresh(source.pk)


@transaction.atomic
def suggestion_unmerge(
    *, suggestion: Suggestion, actor: Person, now: datetime | None = None
) -> Suggestion:
    """Undo a merge: it goes back to the status it had, and both count their own voters."""
    moment = clock.resolve(now)
    source, target = locked_with_target(suggestion)
    require_team(actor, source, "unmerges it")
    if source.status != Status.MERGED or target is None:
        raise Conflict("It is not merged.", errors={"suggestion": ["not merged"]})
    source.status = status_before_merge(source)
    source.merged_into = None
    source.updated_at = moment
    source.save(update_fields=["status", "merged_into", "updated_at"])
    recount(target.pk)
    recount(source.pk)
    tell_followers(
        source,
        subject=f"“{source.title}” is no longer merged",
        body=f"It is a suggestion of its own again ({source.get_status_display().lower()}), "
        f"apart from “{target.title}”.",
        actor=actor,
        moment=moment,
    )
    return fresh(source.pk)

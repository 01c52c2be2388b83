""" "Did it help?": asked once, four weeks after a suggestion is done, and answered."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.feedback.models import HelpAnswer, Suggestion
from staffdesk.feedback.selectors.suggestions import help_recipients, voter_ids
from staffdesk.feedback.services.suggestions.common import HELP_KIND, Status, locked, page_url
from staffdesk.notifications.services import Draft as Notice
from staffdesk.notifications.services import notification_create_many

HELP_BATCH = 100  # suggestions asked about per call of `suggestion_help_due`


def suggestion_help_due(*, now: datetime | None = None) -> int:
    """Ask "did it help?" of the suggestions done four weeks ago: once, of their named
    author and their voters (the anonymous author sees it through the private link, when
    the suggestion has one). Returns how many were asked."""
    moment = clock.resolve(now)
    due = list(
        Suggestion.objects.filter(
            help_asked_at__isnull=True, help_due_at__isnull=False, help_due_at__lte=moment
        )
        .order_by("help_due_at", "id")
        .values_list("pk", flat=True)[:HELP_BATCH]
    )
    return sum(_ask_help(suggestion_id, moment) for suggestion_id in due)


@transaction.atomic
def _ask_help(suggestion_id: int, moment: datetime) -> int:
    # The conditional UPDATE is the claim: of two workers, one asks.
    claimed = Suggestion.objects.filter(pk=suggestion_id, help_asked_at__isnull=True).update(
        help_asked_at=moment
    )
    if not claimed:
        return 0
    suggestion = Suggestion.objects.get(pk=suggestion_id)
    if suggestion.status != Status.DONE:
        return 0
    people = help_recipients(suggestion)
    notification_create_many(
        drafts=[
            Notice(
                recipient=person,
                kind=HELP_KIND,
                subject=f"Did it help? “{suggestion.title}”",
                body=f"“{suggestion.title}” was done four weeks ago. Did it help? Answer yes, "
                "partly or no on its page.",
                url=page_url(suggestion) + "#did-it-help",
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for person in people
        ],
        now=moment,
    )
    return len(people) + (1 if suggestion.is_anonymous and suggestion.follow_secret_hash else 0)


@transaction.atomic
def suggestion_help_answer(
    *,
    suggestion: Suggestion,
    answer: str,
    person: Person | None = None,
    by_anonymous_author: bool = False,
    now: datetime | None = None,
) -> HelpAnswer:
    """Answer "did it help?" (yes, partly, no), or change one's answer: its named author and
    its voters, or (`by_anonymous_author`, through the private link) its anonymous author."""
    moment = clock.resolve(now)
    if by_anonymous_author != (person is None):
        raise ValueError("an answer is a person's or the anonymous author's, not both")
    if answer not in HelpAnswer.Answer.values:
        raise ValidationFailed(
            "Answer yes, partly or no.", errors={"answer": ["one of yes, partly, no"]}
        )
    suggestion = locked([suggestion.pk])[suggestion.pk]
    if suggestion.help_asked_at is None:
        raise Conflict(
            "“Did it help?” is asked four weeks after a suggestion is done; it has not been "
            "asked about this one."
        )
    if by_anonymous_author:
        if not suggestion.is_anonymous:
            raise PermissionDenied("Only an anonymous suggestion's author answers without a name.")
        mine = HelpAnswer.objects.filter(suggestion=suggestion, by_anonymous_author=True)
    else:
        assert person is not None
        if person.pk != suggestion.author_id and person.pk not in set(voter_ids(suggestion.pk)):
            raise PermissionDenied("Only its author and those who voted for it are asked.")
        mine = HelpAnswer.objects.filter(suggestion=suggestion, person=person)
    existing = mine.select_for_update().first()
    if existing is not None:
        existing.answer = answer
        existing.save(update_fields=["answer"])
        return existing
    try:
        with transaction.atomic():
            return HelpAnswer.objects.create(
                suggestion=suggestion,
                person=person,
                by_anonymous_author=by_anonymous_author,
                answer=answer,
                created_at=moment,
            )
    except IntegrityError as exc:
        raise Conflict("Your answer was just recorded; reload to see it.") from exc

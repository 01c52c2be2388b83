"""The benchmark's suggestion box: 100,000 suggestions to the departments over the three years,
a million votes, their followers, comments, the departments' responses and the "did it help?"
answers.

The rows are those the suggestion services write: a suggestion's `respond_by` is its
department's target (`STAFFDESK_SUGGESTION_RESPONSE_DAYS` business days in
`department_calendar`, through `business_days_later`), `responded_at` its first published
response, each published response moves it to the response's status, a decline's reason is
the declining response's body, `done_at` is the "done" response's publication and
`help_due_at` four weeks after it (asked then, when that is before the end). An anonymous
suggestion has no author and a `follow_secret_hash`; its author follows it through the link,
not as a follower row. A merged one names an earlier suggestion of its department and takes
no votes after the merge; `vote_count` is the union of a suggestion's own voters and those of
the suggestions merged into it. Authors (named) and voters follow what they suggested or
voted for (a few unfollowed since). Nobody votes for their own suggestion. Votes are skewed:
a few suggestions draw thousands, most a handful.

Times are whole seconds from the timeline's start until they are written. Nothing is left
due for the worker at the end: every "did it help?" due by then was asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.seed import loader
from bench.seed.history import DAY, Timeline
from bench.seed.organization import Organization
from bench.seed.suggestions.plans import (
    DECLINED,
    DONE,
    HELP_DELAY,
    MERGED,
    WORDS,
    Planned,
    planned,
)
from bench.seed.suggestions.voices import (
    COMMENT_COLUMNS,
    HELP_COLUMNS,
    Writer,
    comments_and_answers,
    votes_and_followers,
)
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    Suggestion,
    Vote,
)

__all__ = ["MODELS", "WORDS", "SuggestionSummary", "suggestions_create"]

SUGGESTIONS = 100_000
VOTES = 1_000_000
MODELS = [Suggestion, Response, Vote, Follower, Comment, HelpAnswer]

SUGGESTION_COLUMNS = (
    "id",
    "department_id",
    "to_organization",
    "service_id",
    "title",
    "body",
    "author_id",
    "is_anonymous",
    "follow_secret_hash",
    "restricted",
    "status",
    "merged_into_id",
    "decline_reason",
    "vote_count",
    "created_at",
    "updated_at",
    "respond_by",
    "responded_at",
    "done_at",
    "help_due_at",
    "help_asked_at",
)
RESPONSE_COLUMNS = (
    "id",
    "suggestion_id",
    "written_by_id",
    "body",
    "status",
    "what_changed",
    "created_at",
    "updated_at",
    "published_at",
)


@dataclass
class SuggestionSummary:
    suggestions: int = 0
    anonymous: int = 0
    done: int = 0
    declined: int = 0
    merged: int = 0
    responses: int = 0
    drafts: int = 0
    votes: int = 0
    followers: int = 0
    comments: int = 0
    help_answers: int = 0


def _suggestion_and_response_rows(
    plans: list[Planned], rows: list[list], timeline: Timeline
) -> tuple[list[tuple], list[tuple]]:
    text, end = timeline.formatter(), timeline.days * DAY
    suggestion_rows: list[tuple] = []
    response_rows: list[tuple] = []
    for plan, row in zip(plans, rows, strict=True):
        published = [r[5] for r in plan.responses if r[5] is not None]
        help_due = plan.done + HELP_DELAY if plan.done is not None else None
        updated = max([plan.created, *published] + ([plan.closes] if plan.merged_into else []))
        suggestion_rows.append(
            (
                plan.id,
                *row,
                plan.status,
                plan.merged_into,
                plan.decline_reason,
                plan.vote_count,
                text(plan.created),
                text(updated),
                text(plan.respond_by),
                _text(text, plan.responded),
                _text(text, plan.done),
                _text(text, help_due),
                _text(text, help_due if help_due is not None and help_due <= end else None),
            )
        )
        for writer_id, body, status, changed, written, at in plan.responses:
            response_rows.append(
                (
                    len(response_rows) + 1,
                    plan.id,
                    writer_id,
                    body,
                    status,
                    changed,
                    text(written),
                    text(at if at is not None else written),
                    _text(text, at),
                )
            )
    return suggestion_rows, response_rows


def _text(text: Callable[[int], str], seconds: int | None) -> str | None:
    return None if seconds is None else text(seconds)


def suggestions_create(
    *,
    rng: random.Random,
    organization: Organization,
    timeline: Timeline,
    count: int = SUGGESTIONS,
    votes: int = VOTES,
) -> SuggestionSummary:
    """`count` suggestions over the timeline with `votes` votes, and all that goes with them."""
    summary = SuggestionSummary()
    people = organization.person_ids
    plans, rows = planned(rng, organization, timeline, count)
    # One load: the foreign keys between these tables are rebuilt (checked) once all are in.
    with loader.without_secondary_indexes(MODELS):
        writer = Writer(timeline, votes)
        votes_and_followers(rng, plans, rows, people, writer)
        suggestion_rows, response_rows = _suggestion_and_response_rows(plans, rows, timeline)
        loader.insert_rows(Suggestion, SUGGESTION_COLUMNS, suggestion_rows)
        loader.insert_rows(Response, RESPONSE_COLUMNS, response_rows)
        comments, answers = comments_and_answers(rng, plans, rows, people, timeline)
        loader.insert_rows(Comment, COMMENT_COLUMNS, comments)
        loader.insert_rows(HelpAnswer, HELP_COLUMNS, answers)
    summary.votes, summary.followers = writer.written_votes, writer.written_followers
    summary.suggestions = len(plans)
    summary.anonymous = sum(1 for row in rows if row[6])
    summary.done = sum(1 for p in plans if p.status == DONE)
    summary.declined = sum(1 for p in plans if p.status == DECLINED)
    summary.merged = sum(1 for p in plans if p.status == MERGED)
    summary.responses = len(response_rows)
    summary.drafts = sum(1 for r in response_rows if r[8] is None)
    summary.comments, summary.help_answers = len(comments), len(answers)
    return summary

"""The benchmark's feedback: satisfaction surveys of the seeded resolutions and the suggestion
box (bench/seed/suggestions/).

A survey is the row `survey_on_status_change` writes when a request is resolved (one per
person on the requester's side: the requester, and whom it was filed for when that is
someone else), due `STAFFDESK_SURVEY_DELAY_MINUTES` business minutes later in the request's
calendar (`request_calendar`, through `business_minutes_later`), opened by a punctual worker
at that instant for `STAFFDESK_SURVEY_OPEN_DAYS` days, mailed when it is the person's first
that day. Surveys go to `SURVEYED_SHARE` of the resolved and closed requests; most are
answered within a day or two, skewed positive; a team followed up most low ratings. One
whose due time is after the end is still scheduled, so the worker's tick finds nothing due
at the end. A mailed, unanswered survey holds the hash of its mail's one-use link.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Max

from bench.seed import loader
from bench.seed.history import DAY, EVENT_COLUMNS, HOUR, Timeline
from bench.seed.history import N as NOTE
from bench.seed.organization import Organization
from bench.seed.suggestions import WORDS, SuggestionSummary, suggestions_create
from staffdesk.directory.models import Person
from staffdesk.feedback.calendars import business_minutes_later, department_calendar
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Rating,
    Response,
    Suggestion,
    Survey,
    Vote,
)
from staffdesk.feedback.models.surveys import LOW_RATING
from staffdesk.feedback.selectors.surveys import token_digest, used_token_digest
from staffdesk.requests.models import Request, RequestEvent
from staffdesk.sla.businesstime import CalendarSpec
from staffdesk.sla.calendars import calendar_spec
from staffdesk.sla.models import Agreement

# Tuned so that a million requests give about 300,000 ratings.
SURVEYED_SHARE = 0.4
ANSWERED_SHARE = 0.9
RATINGS = ((5, 0.48), (4, 0.3), (3, 0.12), (2, 0.06), (1, 0.04))
COMMENTED = {True: 0.7, False: 0.2}  # the share of low (True) and other ratings with a comment
FOLLOWED_UP_SHARE = 0.6  # of the low ratings
MEAN_ANSWER = DAY  # how long people take to answer, on average
FLUSH = 100_000
# Every table this module and bench/seed/suggestions/ fill (ids from 1; their sequences
# and statistics are the loader's `finish`).
MODELS = [Survey, Suggestion, Response, Vote, Follower, Comment, HelpAnswer]

SURVEY_COLUMNS = (
    "id",
    "request_id",
    "person_id",
    "department_id",
    "service_id",
    "agent_id",
    "confidential",
    "resolved_at",
    "status",
    "due_at",
    "opened_at",
    "closes_at",
    "mailed",
    "token_hash",
    "rating",
    "comment",
    "rated_at",
    "followed_up_at",
    "followed_up_by_id",
    "created_at",
)
SCHEDULED, OPEN = Survey.Status.SCHEDULED.value, Survey.Status.OPEN.value


@dataclass
class SurveySummary:
    surveys: int = 0
    scheduled: int = 0
    ratings: int = 0
    low: int = 0
    followed_up: int = 0
    mailed: int = 0


@dataclass
class FeedbackSummary:
    surveys: SurveySummary = field(default_factory=SurveySummary)
    suggestions: SuggestionSummary = field(default_factory=SuggestionSummary)


class _Calendars:
    """Each request's survey calendar: its agreement's, else its department's."""

    def __init__(self, end: datetime) -> None:
        self.end = end
        self.by_agreement = {
            agreement.pk: calendar_spec(agreement.calendar)
            for agreement in Agreement.objects.select_related("calendar")
        }
        self.by_department: dict[int, CalendarSpec] = {}

    def of(self, agreement_id: int | None, department_id: int) -> CalendarSpec:
        if agreement_id is not None:
            return self.by_agreement[agreement_id]
        if department_id not in self.by_department:
            self.by_department[department_id] = department_calendar(department_id, now=self.end)
        return self.by_department[department_id]


def _survey_rows(
    rng: random.Random,
    organization: Organization,
    timeline: Timeline,
    summary: SurveySummary,
    notes: list[tuple],
) -> Iterator[list[tuple]]:
    """Yield batches of survey rows, in the requests' order; the follow-ups' internal notes
    go to `notes` as (request id, author, seconds, body)."""
    text, start, end = timeline.formatter(), timeline.start, timeline.days * DAY
    zone = ZoneInfo(settings.TIME_ZONE)
    delay = settings.STAFFDESK_SURVEY_DELAY_MINUTES
    open_for = settings.STAFFDESK_SURVEY_OPEN_DAYS * DAY
    calendars = _Calendars(timeline.at(end))
    leads = {d.pk: d.lead_id for d in organization.departments}
    mailed_days: set[tuple[int, date]] = set()
    ratings, weights = [r for r, _ in RATINGS], [w for _, w in RATINGS]
    good, bad = WORDS["rating_comments_good"], WORDS["rating_comments_bad"]
    names = {
        person.pk: person.display_name
        for person in Person.objects.only("username", "first_name", "last_name")
    }
    batch: list[tuple] = []
    for (
        request_id,
        requester,
        on_behalf_of,
        department,
        service,
        agent,
        secret,
        at,
        agreement,
    ) in _resolved():
        if rng.random() >= SURVEYED_SHARE:
            continue
        if isinstance(at, str):  # SQLite's text (or naive UTC), read without the ORM
            at = datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        calendar = calendars.of(agreement, department)
        due = int((business_minutes_later(at, delay, calendar) - start).total_seconds())
        resolved_at = int((at - start).total_seconds())
        people = [requester] + ([on_behalf_of] if on_behalf_of not in (None, requester) else [])
        for person in people:
            summary.surveys += 1
            opened = closes = rating = rated = followed = followed_by = None
            status, mailed, token, comment = SCHEDULED, False, "", ""
            if due <= end:
                status, opened, closes = OPEN, due, due + open_for
                day = (person, timeline.at(due).astimezone(zone).date())
                mailed = day not in mailed_days
                mailed_days.add(day)
                answered = due + 60 + int(rng.expovariate(1 / MEAN_ANSWER))
                if rng.random() < ANSWERED_SHARE and answered < min(closes, end):
                    rating, rated = rng.choices(ratings, weights)[0], answered
                    low = rating <= LOW_RATING
                    if rng.random() < COMMENTED[low]:
                        comment = rng.choice(bad if low else good)
                    later = rated + _seconds(rng, HOUR, 3 * DAY)
                    if low and later < end and rng.random() < FOLLOWED_UP_SHARE:
                        followed = later
                        followed_by = agent if rng.random() < 0.5 else leads[department]
                        summary.followed_up += 1
                        note = (
                            f"Follow-up of {names[person]}'s rating, {rating} of 5 "
                            f"({Rating(rating).label.lower()}):\n\n"
                            + rng.choice(WORDS["follow_up_notes"])
                        )
                        notes.append((request_id, followed_by, followed, note))
                    summary.ratings += 1
                    summary.low += low
                    if mailed:  # rated through the mail's link (spent), or signed in
                        by_link = rng.random() < 0.5
                        token = (used_token_digest if by_link else token_digest)(_secret(rng))
                elif mailed:
                    token = token_digest(_secret(rng))
            summary.scheduled += status == SCHEDULED
            summary.mailed += mailed
            batch.append(
                (
                    summary.surveys,
                    request_id,
                    person,
                    department,
                    service,
                    agent,
                    secret,
                    text(resolved_at),
                    status,
                    text(due),
                    _text(text, opened),
                    _text(text, closes),
                    mailed,
                    token,
                    rating,
                    comment,
                    _text(text, rated),
                    _text(text, followed),
                    followed_by,
                    text(resolved_at),
                )
            )
        if len(batch) >= FLUSH:
            yield batch
            batch = []
    if batch:
        yield batch


def _resolved() -> Iterator[tuple]:
    """The resolved requests' survey columns, in order, read raw (the ORM's per-row conversion
    would cost more than the rest of the survey's row)."""
    columns = [
        "id",
        "requester_id",
        "on_behalf_of_id",
        "department_id",
        "service_id",
        "assignee_id",
        "confidential",
        "resolved_at",
        "sla_agreement_id",
    ]
    table = Request._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608 - names from the model
            "WHERE resolved_at IS NOT NULL ORDER BY id"
        )
        while rows := cursor.fetchmany(20_000):
            yield from rows


def _secret(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def _seconds(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low))


def _text(text: Callable[[int], str], seconds: int | None) -> str | None:
    return None if seconds is None else text(seconds)


def surveys_create(
    *, rng: random.Random, organization: Organization, timeline: Timeline
) -> SurveySummary:
    """The surveys of the resolved and closed requests already seeded."""
    summary = SurveySummary()
    notes: list[tuple] = []
    with loader.without_secondary_indexes([Survey]):
        for batch in _survey_rows(rng, organization, timeline, summary, notes):
            loader.insert_rows(Survey, SURVEY_COLUMNS, batch)
    _follow_up_notes(notes, timeline)
    return summary


def _follow_up_notes(notes: list[tuple], timeline: Timeline) -> None:
    """The internal notes `survey_follow_up` adds to the requests' timelines (after every
    event seeded), and the requests' `updated_at` moved on to them."""
    text = timeline.formatter()
    after = RequestEvent.objects.aggregate(last=Max("id"))["last"] or 0
    notes.sort(key=lambda note: (note[2], note[0]))
    loader.insert_rows(
        RequestEvent,
        EVENT_COLUMNS,
        [
            (after + n, request_id, NOTE, author, text(at), True, body, "{}")
            for n, (request_id, author, at, body) in enumerate(notes, start=1)
        ],
    )
    table = connection.ops.quote_name(Request._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET updated_at = %s WHERE id = %s AND updated_at < %s",  # noqa: S608 - the model's table
            [(text(at), request_id, text(at)) for request_id, _, at, _ in notes],
        )


def feedback_create(
    *,
    rng: random.Random,
    organization: Organization,
    timeline: Timeline,
    suggestions: int,
    votes: int,
) -> FeedbackSummary:
    """Surveys of the seeded requests, then `suggestions` suggestions with `votes` votes."""
    return FeedbackSummary(
        surveys=surveys_create(rng=rng, organization=organization, timeline=timeline),
        suggestions=suggestions_create(
            rng=rng, organization=organization, timeline=timeline, count=suggestions, votes=votes
        ),
    )

"""The benchmark's feedback rows (bench/seed/feedback.py, bench/seed/suggestions/), checked
on a small seed against what the feedback services keep true."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from bench.seed import bench_seed
from staffdesk.core.search_index import every_word_query
from staffdesk.feedback.calendars import (
    business_days_later,
    business_minutes_later,
    department_calendar,
    request_calendar,
)
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    Suggestion,
    SuggestionStatus,
    Survey,
    Vote,
)
from staffdesk.feedback.models.surveys import LOW_RATING
from staffdesk.feedback.search_schema import INDEX
from staffdesk.feedback.selectors.suggestions import voter_ids
from staffdesk.feedback.services.tick import feedback_tick
from staffdesk.requests.models import Request, Status

NOW = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)
END = NOW.replace(hour=0, minute=0)
SCALE = 0.02  # 600 people, 5 departments, 2,000 suggestions, 20,000 votes
TABLES = [
    "feedback_survey",
    "feedback_suggestion",
    "feedback_vote",
    "feedback_follower",
    "feedback_comment",
    "feedback_response",
    "feedback_helpanswer",
]


def schema() -> list[tuple]:
    """The feedback tables' indexes, constraints and triggers, as the database describes them."""
    marks = ", ".join(["%s"] * len(TABLES))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
                "ORDER BY type, name",
                TABLES,
            )
            return cursor.fetchall()
        cursor.execute(
            f"SELECT indexname, '' FROM pg_indexes WHERE tablename IN ({marks}) "  # noqa: S608
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid::regclass::text IN ({marks}) ORDER BY 1, 2",
            TABLES * 2,
        )
        return cursor.fetchall()


@pytest.fixture
def seeded(db):
    before = schema()
    summary = bench_seed(requests=1000, scale=SCALE, seed=3, now=NOW)
    # Indexes, constraints and triggers dropped for the load are all back, as they were.
    assert schema() == before
    return summary


def test_surveys_are_those_of_the_resolutions(seeded):
    resolved = Request.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED])
    surveys = list(
        Survey.objects.select_related("request__sla_agreement__calendar", "request__department")
    )
    assert 0.3 * resolved.count() <= len(surveys) <= 0.5 * resolved.count()
    assert len(surveys) == seeded.feedback.surveys.surveys
    open_for = timedelta(days=settings.STAFFDESK_SURVEY_OPEN_DAYS)
    mailed_days = defaultdict(int)
    zone = ZoneInfo(settings.TIME_ZONE)
    for survey in surveys:
        request = survey.request
        assert request.resolved_at is not None
        assert survey.person_id in (request.requester_id, request.on_behalf_of_id)
        assert (survey.department_id, survey.service_id, survey.agent_id) == (
            request.department_id,
            request.service_id,
            request.assignee_id,
        )
        assert survey.confidential == request.confidential
        assert survey.resolved_at == survey.created_at == request.resolved_at
        calendar = request_calendar(request, now=END)
        delay = settings.STAFFDESK_SURVEY_DELAY_MINUTES
        assert survey.due_at == business_minutes_later(request.resolved_at, delay, calendar)
        if survey.status == Survey.Status.SCHEDULED:
            # Not yet due at the end of the history, so never opened nor answered.
            assert survey.due_at > END
            assert survey.opened_at is survey.closes_at is survey.rating is None
            continue
        assert survey.status == Survey.Status.OPEN
        assert survey.opened_at == survey.due_at <= END
        assert survey.closes_at == survey.opened_at + open_for
        if survey.mailed:
            mailed_days[(survey.person_id, survey.opened_at.astimezone(zone).date())] += 1
        # A mail's links carry a secret kept as a hash; no mail, no links.
        assert (len(survey.token_hash) == 64) == survey.mailed
        if survey.rating is None:
            assert survey.rated_at is None and survey.comment == ""
            assert survey.followed_up_at is None
            continue
        assert 1 <= survey.rating <= 5
        assert survey.opened_at < survey.rated_at < min(survey.closes_at, END)
        if survey.followed_up_at is not None:
            assert survey.rating <= LOW_RATING
            assert survey.rated_at < survey.followed_up_at < END
            assert survey.followed_up_by_id in (survey.agent_id, request.department.lead_id)
            # The follow-up's internal note on the request, by whoever followed up.
            note = request.events.get(kind="note", body__startswith="Follow-up of ")
            assert (note.actor_id, note.created_at, note.is_internal) == (
                survey.followed_up_by_id,
                survey.followed_up_at,
                True,
            )
            assert f"rating, {survey.rating} of 5" in note.body
            assert request.updated_at >= survey.followed_up_at
    # At most one survey a person a day is mailed.
    assert set(mailed_days.values()) == {1}
    rated = Survey.objects.filter(rating__isnull=False)
    ratings = list(rated.values_list("rating", flat=True))
    assert sum(ratings) / len(ratings) > 3.8  # skewed positive
    assert rated.filter(rating__lte=LOW_RATING, followed_up_at__isnull=False).exists()
    assert rated.exclude(comment="").exists()
    # The worker finds nothing due at the end of the history.
    assert not Survey.objects.filter(status=Survey.Status.SCHEDULED, due_at__lte=END).exists()
    assert feedback_tick(now=END) == 0


def test_suggestions_are_as_their_services_leave_them(seeded):
    suggestions = list(Suggestion.objects.order_by("pk"))
    summary = seeded.feedback.suggestions
    assert len(suggestions) == summary.suggestions == 2000
    assert Vote.objects.count() == summary.votes == 20_000
    by_status = dict(Suggestion.objects.values_list("status").annotate(n=Count("pk")))
    assert set(by_status) == set(SuggestionStatus.values)
    assert 0.2 <= by_status[SuggestionStatus.DONE] / len(suggestions) <= 0.3
    assert 0.1 <= Suggestion.objects.filter(is_anonymous=True).count() / len(suggestions) <= 0.2

    voters = defaultdict(set)
    for suggestion_id, person_id in Vote.objects.values_list("suggestion_id", "person_id"):
        voters[suggestion_id].add(person_id)
    merged_into = defaultdict(list)
    followers = defaultdict(set)
    for suggestion_id, person_id in Follower.objects.values_list("suggestion_id", "person_id"):
        followers[suggestion_id].add(person_id)
    responses = defaultdict(list)
    for response in Response.objects.order_by("published_at", "pk"):
        responses[response.suggestion_id].append(response)
    calendars = {}
    days = settings.STAFFDESK_SUGGESTION_RESPONSE_DAYS
    for suggestion in suggestions:
        if suggestion.is_anonymous:
            assert suggestion.author_id is None
            assert len(suggestion.follow_secret_hash) == 64
        else:
            assert suggestion.author_id is not None and suggestion.follow_secret_hash == ""
            assert suggestion.author_id in followers[suggestion.pk]
            assert suggestion.author_id not in voters[suggestion.pk]  # not for their own
        assert voters[suggestion.pk] <= followers[suggestion.pk]
        if suggestion.department_id not in calendars:
            calendars[suggestion.department_id] = department_calendar(
                suggestion.department_id, now=END
            )
        calendar = calendars[suggestion.department_id]
        assert suggestion.respond_by == business_days_later(suggestion.created_at, days, calendar)
        assert suggestion.created_at <= suggestion.updated_at < END
        published = [r for r in responses[suggestion.pk] if r.published_at is not None]
        assert all(r.published_at < END for r in published)
        assert suggestion.responded_at == (published[0].published_at if published else None)
        moves = [r.status for r in published if r.status]
        if suggestion.status == SuggestionStatus.MERGED:
            target = next(s for s in suggestions if s.pk == suggestion.merged_into_id)
            assert target.department_id == suggestion.department_id
            assert target.pk < suggestion.pk and target.status != SuggestionStatus.MERGED
            merged_into[target.pk].append(suggestion.pk)
            assert published == []  # answered by the suggestion it was merged into
        else:
            assert suggestion.status == (moves[-1] if moves else SuggestionStatus.SUBMITTED)
        if suggestion.status == SuggestionStatus.DONE:
            assert suggestion.done_at == published[-1].published_at
            assert published[-1].what_changed
            assert suggestion.done_at >= END - timedelta(days=730)
            assert suggestion.help_due_at == suggestion.done_at + timedelta(days=28)
            due = suggestion.help_due_at <= END
            assert suggestion.help_asked_at == (suggestion.help_due_at if due else None)
        else:
            assert suggestion.done_at is suggestion.help_due_at is suggestion.help_asked_at is None
        if suggestion.status == SuggestionStatus.DECLINED:
            assert suggestion.decline_reason == published[-1].body != ""
        else:
            assert suggestion.decline_reason == ""
    # The count is the union of its own voters and those of the suggestions merged into it,
    # as the services recount it.
    for suggestion in suggestions:
        union = set(voters[suggestion.pk])
        for merged in merged_into[suggestion.pk]:
            union |= voters[merged]
        assert suggestion.vote_count == len(union) == voter_ids(suggestion.pk).count()
        if suggestion.restricted:  # the services merge neither way
            assert suggestion.merged_into_id is None and not merged_into[suggestion.pk]
    assert Suggestion.objects.filter(restricted=True).exists()
    assert any(len(merged) > 1 for merged in merged_into.values())  # several duplicates
    # Votes are skewed: the most popular draw many times the median.
    counts = sorted(s.vote_count for s in suggestions)
    assert counts[-1] >= 20 * max(1, counts[len(counts) // 2])
    # Nobody votes after the suggestion was merged, done or declined.
    for vote in Vote.objects.select_related("suggestion"):
        ended = vote.suggestion.done_at or (
            vote.suggestion.updated_at
            if vote.suggestion.status in (SuggestionStatus.MERGED, SuggestionStatus.DECLINED)
            else END
        )
        assert vote.suggestion.created_at < vote.created_at < ended
    # Some answers are drafts; nothing is left for the worker to ask at the end.
    assert Response.objects.filter(published_at__isnull=True).exists()
    assert not Suggestion.objects.filter(help_asked_at__isnull=True, help_due_at__lte=END).exists()
    assert feedback_tick(now=END) == 0


def test_comments_answers_and_search(seeded):
    assert Comment.objects.filter(by_anonymous_author=True, author__isnull=True).exists()
    for comment in Comment.objects.select_related("suggestion"):
        assert comment.suggestion.created_at < comment.created_at < END
        if comment.by_anonymous_author:
            assert comment.suggestion.is_anonymous and comment.author_id is None
    for answer in HelpAnswer.objects.select_related("suggestion"):
        suggestion = answer.suggestion
        assert suggestion.help_asked_at is not None
        assert suggestion.help_asked_at < answer.created_at < END
        if answer.by_anonymous_author:
            assert suggestion.is_anonymous and answer.person_id is None
        else:
            assert Follower.objects.filter(
                suggestion=suggestion, person_id=answer.person_id, active=True
            ).exists()
    assert HelpAnswer.objects.exists()
    # The full-text index over the suggestions was filled (rebuilt after the load on SQLite).
    query = every_word_query("laptop")
    assert query is not None
    found = Suggestion.objects.filter(INDEX.matching(query))
    assert found.exists()
    assert found.count() == Suggestion.objects.filter(title__icontains="laptop").count()


def test_the_feedback_is_deterministic(db):
    def fingerprint() -> list[tuple]:
        return [
            *Suggestion.objects.order_by("pk").values_list(
                "title", "status", "author__username", "vote_count", "created_at", "done_at"
            ),
            *Survey.objects.order_by("pk").values_list("request__number", "rating", "rated_at"),
        ]

    with transaction.atomic():
        bench_seed(requests=300, seed=5, scale=SCALE, now=NOW)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Suggestion.objects.exists()
    bench_seed(requests=300, seed=5, scale=SCALE, now=NOW)
    assert fingerprint() == first

"""The demo city's feedback (`data/feedback.toml`), played through the feedback services.

Surveys: the history's resolutions scheduled them (the requests app tells feedback of every
status change); `surveys_catch_up` opens each at the moment it fell due, as a worker running
then would, and people answer some of them, a few badly, which their department's lead then
follows up. Suggestions: each is submitted, voted for, commented on and answered at its
moments; one is merged into another, one restricted to its department, one left past its
response target, one with an unpublished response; "did it help?" is asked four weeks after
a suggestion was done and the voters answer.
"""

from __future__ import annotations

import random
from datetime import datetime

from staffdesk.catalog.models import Service
from staffdesk.demo import data
from staffdesk.demo.clock import WORKING_DAY_MINUTES, WorkingClock
from staffdesk.demo.data import SuggestionSpec, SurveyPlan
from staffdesk.demo.organization import Organization
from staffdesk.feedback.models import Suggestion, Survey
from staffdesk.feedback.services.suggestions import (
    suggestion_comment,
    suggestion_help_answer,
    suggestion_help_due,
    suggestion_merge,
    suggestion_respond,
    suggestion_restrict,
    suggestion_submit,
    suggestion_vote,
)
from staffdesk.feedback.services.surveys import (
    survey_follow_up,
    survey_rate,
    surveys_open_due,
)

# Working minutes in a calendar day, on average (five working days a week).
DAY = WORKING_DAY_MINUTES * 5 / 7


def surveys_catch_up(*, organization: Organization, clock: WorkingClock, rng: random.Random) -> int:
    """Open every survey that fell due during the history at that moment, then answer some
    of them as `feedback.toml` says. Returns how many were rated."""
    due = Survey.objects.filter(status=Survey.Status.SCHEDULED, due_at__lte=clock.now)
    while (moment := due.order_by("due_at").values_list("due_at", flat=True).first()) is not None:
        surveys_open_due(now=moment)
    plan = data.survey_plan()
    rated = 0
    opened = Survey.objects.filter(status=Survey.Status.OPEN).select_related(
        "person", "department", "request"
    )
    # The employee sign-in's newest open survey waits for them ("Rate it" on My requests).
    waiting = (
        opened.filter(person=organization.people["employee"], closes_at__gt=clock.now)
        .order_by("-opened_at", "-pk")
        .first()
    )
    for survey in opened.order_by("opened_at", "pk"):
        if survey == waiting:
            continue
        if rng.random() < plan.answered_share and _answer(survey, plan, organization, clock, rng):
            rated += 1
    return rated


def _between(
    clock: WorkingClock, start: datetime, span: tuple[str, str], rng: random.Random
) -> datetime:
    """A moment a drawn working time after `start` (never after now)."""
    low, high = (data.minutes(text, day_minutes=WORKING_DAY_MINUTES) for text in span)
    return clock.at(clock.minutes_ago(start) - rng.uniform(low, high))


def _answer(
    survey: Survey,
    plan: SurveyPlan,
    organization: Organization,
    clock: WorkingClock,
    rng: random.Random,
) -> bool:
    assert survey.opened_at is not None and survey.closes_at is not None
    at = _between(clock, survey.opened_at, plan.answer_after, rng)
    if not survey.opened_at < at < survey.closes_at:
        return False
    ratings = list(plan.weights)
    rating = rng.choices(ratings, weights=[plan.weights[r] for r in ratings])[0]
    comment = rng.choice(plan.comments.get(rating, ("",)))
    survey_rate(survey=survey, person=survey.person, rating=rating, comment=comment, now=at)
    lead = survey.department.lead
    if rating <= 2 and lead is not None:
        # After the rating and after whatever the history did to the request since: its
        # timeline stays in order.
        last = survey.request.events.order_by("-created_at").values_list("created_at", flat=True)
        later = _between(clock, max(at, last[0]), plan.follow_up_after, rng)
        if later > at:
            index = rng.randrange(len(plan.follow_up_notes))
            survey_follow_up(
                survey=survey,
                actor=lead,
                note=plan.follow_up_notes[index],
                reply=plan.follow_up_replies[index % len(plan.follow_up_replies)],
                now=later,
            )
    return True


def suggestions_create(*, organization: Organization, clock: WorkingClock) -> list[Suggestion]:
    """Every suggestion of the data file with what happened to it, oldest first; then the
    "did it help?" questions that fell due, and the answers."""
    specs = sorted(data.suggestions(), key=lambda spec: -spec.age)
    played: dict[str, Suggestion] = {}
    for spec in specs:
        played[spec.key] = _suggestion(spec, organization, clock, played)
    _help_catch_up(specs, played, organization, clock)
    return list(played.values())


def _day(clock: WorkingClock, days_ago: float) -> datetime:
    return clock.at(max(days_ago, 0) * DAY)


def _suggestion(
    spec: SuggestionSpec,
    organization: Organization,
    clock: WorkingClock,
    played: dict[str, Suggestion],
) -> Suggestion:
    people = organization.people
    department = None if spec.organization else organization.departments[spec.department]
    service = Service.objects.get(code=spec.service) if spec.service else None
    submitted = suggestion_submit(
        author=people[spec.author] if spec.author else people["employee"],
        title=spec.title,
        body=spec.body,
        department=department,
        service=service,
        anonymous=spec.anonymous,
        now=_day(clock, spec.age),
    )
    suggestion = submitted.suggestion
    answered = min((r.after for r in spec.responses), default=spec.merge_after or spec.age)
    for index, username in enumerate(spec.voters):
        at = spec.age - answered * (index + 1) / (len(spec.voters) + 1)
        suggestion = suggestion_vote(
            suggestion=suggestion, person=people[username], now=_day(clock, at)
        )
    for index, comment in enumerate(spec.comments):
        at = spec.age - answered * (index + 1) / (len(spec.comments) + 2)
        suggestion_comment(
            suggestion=suggestion, author=people[comment.by], body=comment.text, now=_day(clock, at)
        )
    if spec.restricted:
        lead = suggestion.department.lead
        assert lead is not None, f"{spec.key}: its department has no lead to restrict it"
        suggestion = suggestion_restrict(
            suggestion=suggestion, actor=lead, restricted=True, now=_day(clock, spec.age - 0.1)
        )
    for response in spec.responses:
        suggestion_respond(
            suggestion=Suggestion.objects.get(pk=suggestion.pk),
            actor=people[response.by],
            body=response.body,
            status=response.status,
            what_changed=response.what_changed,
            publish=not response.draft,
            now=_day(clock, spec.age - response.after),
        )
    if spec.merge_into:
        target = played[spec.merge_into]
        lead = target.department.lead
        assert lead is not None, f"{spec.key}: the target's department has no lead to merge it"
        suggestion_merge(
            suggestion=Suggestion.objects.get(pk=suggestion.pk),
            into=Suggestion.objects.get(pk=target.pk),
            actor=lead,
            now=_day(clock, spec.age - spec.merge_after),
        )
    return Suggestion.objects.get(pk=suggestion.pk)


def _help_catch_up(
    specs: list[SuggestionSpec],
    played: dict[str, Suggestion],
    organization: Organization,
    clock: WorkingClock,
) -> None:
    due = Suggestion.objects.filter(
        help_asked_at__isnull=True, help_due_at__isnull=False, help_due_at__lte=clock.now
    )
    while moment := due.order_by("help_due_at").values_list("help_due_at", flat=True).first():
        suggestion_help_due(now=moment)
    for spec in specs:
        suggestion = Suggestion.objects.get(pk=played[spec.key].pk)
        if not spec.help or suggestion.help_asked_at is None:
            continue
        asked = clock.minutes_ago(suggestion.help_asked_at)
        answers = [(answer, who) for answer, people in spec.help.items() for who in people]
        for index, (answer, username) in enumerate(answers):
            suggestion_help_answer(
                suggestion=suggestion,
                answer=answer,
                person=organization.people[username],
                now=clock.at(asked * (len(answers) - index) / (len(answers) + 1)),
            )

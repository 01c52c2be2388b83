"""What became of each suggestion of the benchmark's box by the end of the history: its
department, author, status, merge, response target and the departments' responses (see the
package's docstring for the rules they keep)."""

from __future__ import annotations

import hashlib
import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from bench.seed.history import DAY, HOUR, Timeline
from bench.seed.organization import Organization
from bench.seed.words import DEPARTMENTS
from staffdesk.feedback.calendars import business_days_later, department_calendar
from staffdesk.feedback.models import SuggestionStatus

with (Path(__file__).parents[1] / "data" / "feedback.toml").open("rb") as _file:
    # The feedback vocabulary: ratings' comments (bench/seed/feedback.py) and the box's texts.
    WORDS: dict[str, list[str]] = tomllib.load(_file)

ANONYMOUS_SHARE = 0.15
RESTRICTED_SHARE = 0.02  # of the named ones
TO_ORGANIZATION_SHARE = 0.05  # sent to the organization, routed to its department
SERVICE_SHARE = 0.3  # about one of the department's services
MERGED_SHARE = 0.06
ON_TIME_SHARE = 0.85  # first responses by `respond_by`
HELP_DELAY = 28 * DAY
DONE_WITHIN = 730 * DAY  # "done" in the last two years

S = SuggestionStatus
SUBMITTED, REVIEW, PLANNED, PROGRESS = (
    S.SUBMITTED.value,
    S.UNDER_REVIEW.value,
    S.PLANNED.value,
    S.IN_PROGRESS.value,
)
DONE, DECLINED, MERGED = S.DONE.value, S.DECLINED.value, S.MERGED.value
PATH = [REVIEW, PLANNED, PROGRESS, DONE]  # the statuses a suggestion goes through to "done"
# The status of a suggestion older than two weeks (not merged), by share.
OLDER = (
    (SUBMITTED, 0.04),
    (REVIEW, 0.2),
    (PLANNED, 0.2),
    (PROGRESS, 0.14),
    (DONE, 0.27),
    (DECLINED, 0.15),
)
YOUNGER = ((SUBMITTED, 0.55), (REVIEW, 0.3), (PLANNED, 0.15))
RESPONSE_TEXTS = {
    REVIEW: WORDS["response_under_review"],
    PLANNED: WORDS["response_planned"],
    PROGRESS: WORDS["response_in_progress"],
    DONE: WORDS["response_done"],
    DECLINED: WORDS["decline_reasons"],
}


@dataclass(slots=True)
class Planned:
    """One suggestion as its services would have left it at the end, times in seconds."""

    id: int
    department_id: int
    created: int
    respond_by: int
    status: str = SUBMITTED
    merged_into: int | None = None
    closes: int = 0  # when voting ended: merged, done or declined; else the end
    responded: int | None = None
    done: int | None = None
    decline_reason: str = ""
    # (written by, body, status, what changed, created, published or None)
    responses: list[tuple] = field(default_factory=list)
    voters: list[int] = field(default_factory=list)
    unfollowed: set[int] = field(default_factory=set)
    vote_count: int = 0


def choose(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[w for _, w in weighted])[0]


def between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * max(0, high - low))


def secret_hash(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(32)).hexdigest()


class Teams:
    """Who answers for each department (its lead and its agents), and its services."""

    def __init__(self, organization: Organization) -> None:
        self.members: dict[int, list[int]] = {}
        self.services: dict[int, list[int]] = defaultdict(list)
        for service in organization.services:
            self.members[service.department_id] = sorted(service.team_ids)
            self.services[service.department_id].append(service.id)
        self.lead = {d.pk: d.lead_id for d in organization.departments}

    def writer(self, rng: random.Random, department_id: int) -> int:
        lead = self.lead[department_id]
        if lead is not None and rng.random() < 0.4:
            return lead
        return rng.choice(self.members[department_id])


def _respond(rng: random.Random, plan: Planned, teams: Teams, end: int, status: str) -> None:
    """The published responses that took `plan` to `status`, the first by its target or late,
    the last (done) at `plan.done`; a status the end comes before stays submitted."""
    if rng.random() < ON_TIME_SHARE:
        first = between(rng, plan.created + HOUR, plan.respond_by)
    else:
        first = plan.respond_by + between(rng, HOUR, 15 * DAY)
    if status == DONE:
        assert plan.done is not None
        first = min(first, plan.done)
    if first >= end - HOUR:
        plan.status, plan.done, plan.closes = SUBMITTED, None, end
        return
    if status == DECLINED:
        steps = [DECLINED] if rng.random() < 0.6 else [REVIEW, DECLINED]
    else:
        last = PATH.index(status)
        steps = PATH[rng.randint(0, last) : last + 1]
    if status == DONE:
        assert plan.done is not None
        if first == plan.done:
            steps = [DONE]
        inner = sorted(between(rng, first, plan.done) for _ in steps[1:-1])
        times = [first, *inner, plan.done][: len(steps)] if len(steps) > 1 else [plan.done]
    else:
        times = [first, *sorted(between(rng, first + HOUR, end - HOUR) for _ in steps[1:])]
    plan.status, plan.responded = status, times[0]
    for step, published in zip(steps, times, strict=True):
        body = rng.choice(RESPONSE_TEXTS[step])
        changed = rng.choice(WORDS["what_changed"]) if step == DONE else ""
        written = max(plan.created, published - between(rng, 60, 2 * DAY))
        writer = teams.writer(rng, plan.department_id)
        plan.responses.append((writer, body, step, changed, written, published))
        if step == DECLINED:
            plan.decline_reason = body
            plan.closes = published


def _draft(rng: random.Random, plan: Planned, teams: Teams, end: int) -> None:
    """An unpublished response: a first answer being written, or the next update."""
    after = plan.responses[-1][5] if plan.responses else plan.created
    if end - after < 2 * HOUR:
        return
    written = between(rng, after + HOUR, end - HOUR)
    # The next status, or from "in progress" a reply that changes none.
    status = {SUBMITTED: REVIEW, PLANNED: PROGRESS}.get(plan.status, "")
    body = rng.choice(RESPONSE_TEXTS[status or PROGRESS])
    writer = teams.writer(rng, plan.department_id)
    plan.responses.append((writer, body, status, "", written, None))


def _plan(
    rng: random.Random,
    plan: Planned,
    teams: Teams,
    end: int,
    targets: list[int],
) -> None:
    """Decide what became of the suggestion by the end (`targets`: its department's earlier
    suggestions it could be merged into)."""
    age = end - plan.created
    plan.closes = end
    if targets and age > 2 * HOUR and rng.random() < MERGED_SHARE:
        plan.status = MERGED
        plan.merged_into = targets[-1 - int(rng.random() * min(len(targets), 300))]
        plan.closes = plan.created + between(rng, HOUR, min(30 * DAY, age - HOUR))
        return
    status = choose(rng, OLDER if age > 14 * DAY else YOUNGER)
    if status == DONE:
        low = max(plan.created + 14 * DAY, end - DONE_WITHIN + between(rng, 0, 60 * DAY))
        high = min(low + 180 * DAY, end - HOUR)
        if low >= high:
            status = PROGRESS
        else:
            plan.done = plan.closes = between(rng, low, high)
    if status != SUBMITTED:
        _respond(rng, plan, teams, end, status)
    if (plan.status == SUBMITTED and rng.random() < 0.15) or (
        plan.status in (PLANNED, PROGRESS) and rng.random() < 0.05
    ):
        _draft(rng, plan, teams, end)


def planned(
    rng: random.Random, organization: Organization, timeline: Timeline, count: int
) -> tuple[list[Planned], list[list]]:
    """What became of each suggestion, and the columns of its row that say who sent what."""
    teams = Teams(organization)
    departments = organization.departments
    end = timeline.days * DAY
    days = settings.STAFFDESK_SUGGESTION_RESPONSE_DAYS
    calendars = {d.pk: department_calendar(d.pk, now=timeline.at(end)) for d in departments}
    routed_to = next(
        (d.pk for d in departments if d.code == settings.STAFFDESK_SUGGESTIONS_DEPARTMENT), None
    )
    weights = [spec[3] for spec in DEPARTMENTS[: len(departments)]]
    people = organization.person_ids
    plans: list[Planned] = []
    rows: list[list] = []
    earlier: dict[int, list[int]] = defaultdict(list)  # not merged, by department
    for number, created in enumerate(timeline.filing_times(rng, count), start=1):
        to_organization = routed_to is not None and rng.random() < TO_ORGANIZATION_SHARE
        department = routed_to if to_organization else rng.choices(departments, weights)[0].pk
        assert department is not None
        due = business_days_later(timeline.at(created), days, calendars[department])
        plan = Planned(number, department, created, int((due - timeline.start).total_seconds()))
        anonymous = rng.random() < ANONYMOUS_SHARE
        author = None if anonymous else people[int(rng.random() * len(people))]
        restricted = not anonymous and rng.random() < RESTRICTED_SHARE
        # A restricted one is neither merged nor merged into (its title would show elsewhere).
        _plan(rng, plan, teams, end, [] if restricted else earlier[department])
        if plan.status != MERGED and not restricted:
            earlier[department].append(number)
        service = (
            rng.choice(teams.services[department])
            if teams.services[department] and rng.random() < SERVICE_SHARE
            else None
        )
        sentences = rng.sample(WORDS["suggestion_sentences"], rng.randint(2, 4))
        title = (
            f"{rng.choice(WORDS['suggestion_actions'])} {rng.choice(WORDS['suggestion_objects'])}"
        )
        body = " ".join(sentences[:-1]) + f"\n\n- {sentences[-1]}"
        rows.append(
            [
                department,
                to_organization,
                service,
                title,
                body,
                author,
                anonymous,
                secret_hash(rng) if anonymous else "",
                restricted,
            ]
        )
        plans.append(plan)
    return plans, rows

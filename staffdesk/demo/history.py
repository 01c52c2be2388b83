"""About 200 requests over the past 90 days, each played through the real request services.

Every case is planned first (see `plan`), then played in the order the cases were filed,
each step with a backdated `now`, so numbers, timelines and notifications come out exactly
as if people had used the application. How long each step takes and what people write are
in `data/history.toml`.
"""

from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from staffdesk.catalog.models import FormField
from staffdesk.core.errors import Conflict
from staffdesk.demo import data
from staffdesk.demo.catalog import Catalog
from staffdesk.demo.clock import WORKING_DAY_MINUTES, WorkingClock
from staffdesk.demo.data import FieldSpec
from staffdesk.demo.organization import Organization
from staffdesk.demo.plan import Case, cases_plan
from staffdesk.directory.models import Person
from staffdesk.directory.services import person_set_away
from staffdesk.escalation.services import escalation_evaluate, request_escalate
from staffdesk.requests.models import Channel, Priority, Request, Status, Urgency
from staffdesk.requests.services import (
    request_add_note,
    request_ask,
    request_assign,
    request_reply,
    request_set_priority,
    request_submit,
    request_transition,
    watcher_add,
)

Datatype = FormField.Datatype
NEWEST_MINUTES_AGO = 2.0  # the last event of the history lies at least this far in the past
SAME_TIME = timedelta(seconds=30)  # a note written right after the change it explains


@dataclass
class History:
    """What history_create produced."""

    requests: list[Request]


def history_create(
    *, rng: random.Random, organization: Organization, catalog: Catalog, clock: WorkingClock
) -> History:
    cases = cases_plan(rng=rng, organization=organization, catalog=catalog, span=clock.span)
    player = _Player(rng=rng, organization=organization, catalog=catalog, clock=clock)
    requests = [player.play(case) for case in cases]
    player.start_absences(until=None)
    return History(requests=requests)


# --- Answers ----------------------------------------------------------------------------


def _answer(
    rng: random.Random, spec: FieldSpec, filed_at: datetime, people: list[Person]
) -> tuple[Any, str]:
    """A valid answer to one question and how it reads in a subject line."""
    match spec.datatype:
        case Datatype.PERSON:
            person = rng.choice(people)
            return person.username, person.display_name
        case Datatype.NUMBER:
            value: Any = round(rng.uniform(spec.low, spec.high), spec.decimals)
            if spec.decimals == 0:
                value = int(value)
                return value, f"{value:,}"
            return value, f"{value:,.2f}"
        case Datatype.DATETIME:
            moment = _working_day(filed_at, rng.randint(*spec.days), rng.choice((8, 9, 10, 14)))
            return moment.strftime("%Y-%m-%dT%H:%M"), f"{moment:%a} {moment.day} {moment:%b}"
        case Datatype.SINGLEVALUELIST:
            key, name = rng.choice(spec.choices)
            return key, name
        case Datatype.MULTIVALUELIST:
            count = rng.randint(1, min(3, len(spec.choices)))
            picked = set(rng.sample(range(len(spec.choices)), count))
            chosen = [choice for index, choice in enumerate(spec.choices) if index in picked]
            return [key for key, _ in chosen], ", ".join(name for _, name in chosen)
        case _:
            value = rng.choice(spec.samples)
            return value, value


def _working_day(filed_at: datetime, days: int, hour: int) -> datetime:
    """A local, naive time `days` after filing, moved off the weekend."""
    day: date = timezone.localtime(filed_at).date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1 if days >= 0 else -1)
    return datetime.combine(day, time(hour))


# --- Playing ----------------------------------------------------------------------------


class _Player:
    """Plays planned cases through the services, in filing order."""

    def __init__(
        self,
        *,
        rng: random.Random,
        organization: Organization,
        catalog: Catalog,
        clock: WorkingClock,
    ) -> None:
        self.rng = rng
        self.organization = organization
        self.catalog = catalog
        self.clock = clock
        people = organization.people
        # person -> (from when, delegate, through which date); started once reached.
        self.absences: dict[str, tuple[datetime, Person, date]] = {
            username: (
                clock.at(working_days * WORKING_DAY_MINUTES),
                people[delegate],
                timezone.localdate(clock.at(0)) + timedelta(days=days_after),
            )
            for username, delegate, working_days, days_after in (
                (a.person, a.delegate, a.working_days_before, a.days_after) for a in data.absences()
            )
        }
        self.started: set[str] = set()
        self.delays = data.delays()
        # Who a person question names: anyone in the organization, in a fixed order.
        self.colleagues = [people[name] for name in sorted(people) if people[name].is_active]

    def start_absences(self, *, until: datetime | None) -> None:
        """Record the absences that have begun by `until` (all when None), so routing sees them."""
        for username, (since, delegate, through) in self.absences.items():
            if username not in self.started and (until is None or since <= until):
                person_set_away(
                    person=self.organization.people[username], away_until=through, delegate=delegate
                )
                self.started.add(username)

    def play(self, case: Case) -> Request:
        rng, spec = self.rng, case.spec
        minutes_ago = case.minutes_ago
        delays = [rng.uniform(*self.delays[beat]) for beat in case.beats]
        delays = _fit(delays, budget=minutes_ago - NEWEST_MINUTES_AGO)
        filed_at = self.clock.at(minutes_ago)
        self.start_absences(until=filed_at)

        answers: dict[str, Any] = {}
        display = {"first": case.requester.first_name}
        for field_spec in spec.fields:
            value, shown = _answer(rng, field_spec, filed_at, self.colleagues)
            if field_spec.required or rng.random() < 0.65:
                answers[field_spec.code] = value
                display[field_spec.code] = shown
        subject, description = (part.format(**display) for part in rng.choice(spec.requests))
        # How urgent it is for the requester, in their words; it sets the starting priority.
        urgency = rng.choices(list(Urgency.values), (22, 58, 20))[0]
        if spec.information:
            request = request_ask(
                requester=case.requester,
                service=self.catalog.services[spec.code],
                question=description,
                now=filed_at,
            )
        else:
            request = self._file(case, answers, subject, description, urgency, filed_at)
        step = _Step(self, case, request, display)
        elapsed, last = minutes_ago, filed_at
        for beat, delay in zip(case.beats, delays, strict=True):
            elapsed -= delay
            moment = self.clock.at(elapsed)
            _escalations_until(request, moment, after=last)
            step.run(beat, moment)
            last = moment
        _escalations_until(request, self.clock.now, after=last)
        return step.request

    def _file(
        self,
        case: Case,
        answers: dict[str, Any],
        subject: str,
        description: str,
        urgency: str,
        filed_at: datetime,
    ) -> Request:
        """File a case of a service with a form, as its requester would."""
        rng, spec = self.rng, case.spec
        return request_submit(
            requester=case.requester,
            service=self.catalog.services[spec.code],
            answers=answers,
            subject=subject,
            description=description,
            priority=case.priority,
            urgency=urgency,
            on_behalf_of=case.on_behalf_of,
            channel=rng.choices((Channel.WEB, Channel.EMAIL, Channel.API), (80, 15, 5))[0],
            now=filed_at,
        )

    def worker(self, request: Request, moment: datetime) -> Person:
        """Who on the team acts: the assignee, their delegate while away, else the lead."""
        assignee = request.assignee
        if assignee is not None and assignee.username in self.started:
            since, delegate, through = self.absences[assignee.username]
            if since <= moment and timezone.localdate(moment) <= through:
                return delegate
        if assignee is not None:
            return assignee
        lead = self.organization.departments[request.department.code].lead
        assert lead is not None  # every demo department has a lead
        return lead


def _fit(delays: list[float], *, budget: float) -> list[float]:
    """Shrink the delays (each to at least a minute) so the story ends before now."""
    total = sum(delays)
    if total <= budget or not delays:
        return delays
    floor = len(delays)
    scale = max(budget - floor, 0) / max(total - floor, 1e-9)
    return [1 + (delay - 1) * scale for delay in delays]


def _escalations_until(request: Request, until: datetime, *, after: datetime) -> None:
    """Fire the request's levels that fell due before `until`, each at the instant it did
    (but not before `after`, the story's last step, so the timeline stays in order), as the
    worker would have while the story went on: the demo leaves no level overdue (its first
    tick then fires nothing) and no burst of escalations at the present."""
    for _ in range(100):  # each level fires once: a handful of rounds at most
        due = Request.objects.values_list("next_escalation_at", flat=True).get(pk=request.pk)
        if due is None or due > until:
            return
        latest = request.events.aggregate(latest=Max("created_at"))["latest"] or after
        escalation_evaluate(request=request, now=max(due, after, latest))
    raise RuntimeError(f"{request.number}: escalation levels keep falling due")


class _Step:
    """One case being played; `run` performs one beat of its story at a given moment."""

    def __init__(
        self, player: _Player, case: Case, request: Request, display: dict[str, str]
    ) -> None:
        self.player = player
        self.rng = player.rng
        self.case = case
        self.request = request
        self.display = display
        self.customer = case.on_behalf_of or case.requester  # who answers questions
        self.question, self.reply = self._pick(
            case.spec.questions or (data.lines("generic_question"),)
        )

    def _pick(self, options: tuple[Any, ...]) -> Any:
        chosen = self.rng.choice(options)
        if isinstance(chosen, tuple):
            return tuple(part.format(**self.display) for part in chosen)
        return chosen.format(**self.display)

    def run(self, beat: str, moment: datetime) -> None:
        request, spec = self.request, self.case.spec
        worker = self.player.worker(request, moment)
        match beat:
            case "watch":
                self._watch(moment)
            case "nudge":
                request_reply(
                    request=request,
                    author=self.customer,
                    body=self._pick(data.lines("nudges")),
                    now=moment,
                )
            case "ack":
                self._move(worker, Status.ACKNOWLEDGED, moment)
            case "agent_reply":
                body = self._pick(data.lines("agent_replies"))
                request_reply(request=request, author=worker, body=body, now=moment)
            case "note":
                body = self._pick(spec.notes or data.lines("generic_notes"))
                request_add_note(request=request, author=worker, body=body, now=moment)
            case "priority":
                self._reprioritise(worker, moment)
            case "reassign":
                self._reassign(moment)
            case "start":
                self._move(worker, Status.IN_PROGRESS, moment)
            case "ask":
                request_reply(request=request, author=worker, body=self.question, now=moment)
            case "waiting":
                self._move(worker, Status.WAITING_ON_REQUESTER, moment)
            case "answer":
                request_reply(request=request, author=self.customer, body=self.reply, now=moment)
            case "resolve":
                note = self._pick(spec.resolutions)
                code = self.rng.choice([entry["code"] for entry in data.resolution_codes()])
                self._move(worker, Status.RESOLVED, moment, note, code)
            case "reopen":
                body = self._pick(data.lines("reopens"))
                request_reply(
                    request=request, author=self.customer, body=body, reopen=True, now=moment
                )
            case "close_requester":
                self._move(self.customer, Status.CLOSED, moment, self._pick(data.lines("thanks")))
            case "close_team":
                self._move(worker, Status.CLOSED, moment, self._pick(data.lines("team_closings")))
            case "cancel_requester":
                note = self._pick(data.lines("requester_cancels"))
                self._move(self.customer, Status.CANCELLED, moment, note)
            case "cancel_team":
                self._move(worker, Status.CANCELLED, moment, self._pick(data.lines("team_cancels")))
            case "escalate":
                self._escalate(moment)
            case _:
                raise ValueError(f"unknown story beat {beat!r}")

    def _move(
        self, actor: Person, status: str, moment: datetime, note: str = "", code: str = ""
    ) -> None:
        self.request = request_transition(
            request=self.request,
            actor=actor,
            to_status=status,
            note=note,
            resolution_code=code,
            now=moment,
        )

    def _escalate(self, moment: datetime) -> None:
        """The requester escalates with the case's reason, once the first-response target
        has passed (never later than the history's end: then it does not happen)."""
        request = self.request
        when = max(moment, request.response_due_at or moment)
        if when <= self.player.clock.at(NEWEST_MINUTES_AGO):
            _escalations_until(request, when, after=moment)
            # Refused while the level told last is within its response window: they wait.
            with suppress(Conflict):
                request_escalate(
                    request=request, actor=self.customer, reason=self.case.escalation, now=when
                )

    def _watch(self, moment: datetime) -> None:
        """The requester's side copies in a colleague or their manager."""
        customer = self.customer
        colleagues = [
            person
            for person in self.player.organization.people.values()
            if person.department_id == customer.department_id
            and person.pk not in (self.case.requester.pk, customer.pk)
        ]
        if customer.manager is not None and customer.manager.pk != self.case.requester.pk:
            colleagues.append(customer.manager)
        if colleagues:
            watcher_add(
                request=self.request,
                actor=customer,
                person=self.rng.choice(colleagues),
                now=moment,
            )

    def _reprioritise(self, worker: Person, moment: datetime) -> None:
        current = self.request.priority
        higher = current > Priority.P1 and (current == Priority.P4 or self.rng.random() < 0.7)
        priority = current - 1 if higher else current + 1
        self.request = request_set_priority(
            request=self.request, actor=worker, priority=priority, now=moment
        )
        reason = (
            "Raising the priority: it is blocking the team's work."
            if higher
            else "Lowering the priority: a workaround is in place."
        )
        request_add_note(request=self.request, author=worker, body=reason, now=moment + SAME_TIME)

    def _reassign(self, moment: datetime) -> None:
        """The department lead hands the case to someone else on the team, with a note."""
        request = self.request
        organization = self.player.organization
        department = organization.departments[request.department.code]
        current = request.assignee.pk if request.assignee else None
        choices = [
            person
            for person in organization.team[department.code]
            if person.pk not in (current, department.lead_id)
            and person.username not in self.player.started
        ]
        lead = department.lead
        if not choices or lead is None:
            return
        assignee = self.rng.choice(choices)
        self.request = request_assign(request=request, actor=lead, assignee=assignee, now=moment)
        body = self.rng.choice(data.lines("handovers")).format(name=assignee.first_name)
        request_add_note(request=self.request, author=lead, body=body, now=moment + SAME_TIME)

"""The plan of the demo's history: which requests are filed, when, by whom, and how far each
gets (how many, the status weights and the employee's own cases: `data/history.toml`). Times
are shares of the history, turned into instants only when the cases are played.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from staffdesk.demo import data
from staffdesk.demo.catalog import Catalog
from staffdesk.demo.data import ServiceSpec
from staffdesk.demo.organization import Organization
from staffdesk.directory.models import Person
from staffdesk.requests.models import Status


@dataclass
class Case:
    """One request to generate: when it is filed, for what, by whom, and how far it gets."""

    age: float  # share of the span, 0 = now, 1 = 90 days ago
    spec: ServiceSpec
    status: str
    requester: Person
    on_behalf_of: Person | None = None
    beats: list[str] = field(default_factory=list)
    minutes_ago: float = 0.0  # when it is filed, in working minutes before now
    detours: bool = True  # may be reprioritised and handed to someone else
    priority: int | None = None  # None: from the urgency drawn when it is played
    escalation: str = ""  # the requester's reason, for an "escalate" beat


def cases_plan(
    *, rng: random.Random, organization: Organization, catalog: Catalog, span: float
) -> list[Case]:
    """Every case of the history, in filing order; `span` is the history's working minutes."""
    requestable = [spec for spec in catalog.specs.values() if spec.weight]
    weights = [spec.weight for spec in requestable]
    history = data.history()
    featured_cases = data.featured()
    status_weights = data.status_weights()
    cases: list[Case] = []
    for _ in range(history["requests"] - len(featured_cases)):
        age = rng.random()
        spec = rng.choices(requestable, weights)[0]
        requester, on_behalf_of = _pick_requester(rng, organization, spec)
        status = _pick_status(rng, age, status_weights)
        cases.append(Case(age, spec, status, requester, on_behalf_of))
    employee = organization.people[history["featured_requester"]]
    for featured in featured_cases:
        spec = catalog.specs[featured.service]
        cases.append(
            Case(
                featured.age,
                spec,
                featured.status,
                employee,
                detours=False,
                priority=featured.priority,
                escalation=featured.escalation,
            )
        )
    for case in cases:
        case.beats = _story(rng, case)
        if case.escalation:
            case.beats.append("escalate")
        # The newest cases still need room for their story: a few minutes per step.
        case.minutes_ago = max(case.age * span, 3 * len(case.beats) + 10)
    cases.sort(key=lambda case: -case.minutes_ago)  # filing order; stable for ties
    return cases


def _pick_status(
    rng: random.Random, age: float, status_weights: list[tuple[float, dict[str, int]]]
) -> str:
    table = next(weights for limit, weights in status_weights if age < limit)
    return rng.choices(list(table), list(table.values()))[0]


def _pick_requester(
    rng: random.Random, organization: Organization, spec: ServiceSpec
) -> tuple[Person, Person | None]:
    """Someone from a customer department; now and then their department lead files for them."""
    eligible = [
        person
        for person in organization.people.values()
        if person.department is not None
        and person.department.code != spec.department
        and (not spec.customers or person.department.code in spec.customers)
    ]
    person = rng.choice(eligible)
    assert person.department is not None  # every eligible person has one
    lead = person.department.lead
    if lead is not None and lead.pk != person.pk and not spec.confidential and rng.random() < 0.12:
        return lead, person
    return person, None


def _story(rng: random.Random, case: Case) -> list[str]:
    """The steps that take a new request to the case's status, with a few detours."""
    status, chance = case.status, rng.random
    beats: list[str] = []
    if not case.spec.confidential and chance() < 0.2:
        beats.append("watch")
    if status == Status.NEW:
        return [*beats, "nudge"] if chance() < 0.25 else beats
    if status == Status.CANCELLED:
        if chance() < 0.5:
            return [*beats, *(["ack"] if chance() < 0.4 else []), "cancel_requester"]
        return [*beats, "ack", *(["note"] if chance() < 0.5 else []), "cancel_team"]
    if status == Status.ACKNOWLEDGED or chance() < 0.75:
        beats.append("ack")
    if status == Status.ACKNOWLEDGED:
        return [*beats, *(["agent_reply"] if chance() < 0.5 else [])]
    if chance() < 0.1 and case.detours:
        beats.append("priority")
    if chance() < 0.12 and case.detours:
        beats.append("reassign")
    beats.append("start")
    if chance() < 0.5:
        beats.append("note")
    if status == Status.IN_PROGRESS:
        return [*beats, "nudge"] if chance() < 0.3 else beats
    asks = status == Status.WAITING_ON_REQUESTER or chance() < 0.35
    if asks:
        beats += ["ask", "waiting"]
    if status == Status.WAITING_ON_REQUESTER:
        return beats
    if asks:
        beats.append("answer")
    if chance() < 0.3:
        beats.append("note")
    beats.append("resolve")
    if status == Status.RESOLVED:
        return beats
    if chance() < 0.1:
        beats += ["reopen", "resolve"]
    beats.append("close_requester" if chance() < 0.6 else "close_team")
    return beats

"""Requests and their timelines as plain row tuples, in the order they were filed.

This is the hot loop of `bench-seed` (a million requests, four million events), so it draws
from precomputed tables and formats timestamps by table lookup instead of building
datetime objects. Every row is what the request services would have written for the same
history: gap-free numbers per department, routing to the point person, the events of each
status move, replies and internal notes, and the timestamps the services set.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from bench.seed import words
from bench.seed.organization import Organization
from bench.seed.service_levels import ServiceLevels
from staffdesk.requests.models import OPEN_STATUSES, Channel, Priority, RequestEvent, Status
from staffdesk.requests.sla.clocks import Step
from staffdesk.requests.sla.store import STORED_FIELDS

REQUEST_COLUMNS = (
    "id",
    "number",
    "department_id",
    "sequence",
    "service_id",
    "confidential",
    "requester_id",
    "on_behalf_of_id",
    "requester_department_id",
    "subject",
    "description",
    "priority",
    "status",
    "assignee_id",
    "answers",
    "channel",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "sla_agreement_id",
    *STORED_FIELDS,
    "next_escalation_at",
)
EVENT_COLUMNS = (
    "id",
    "request_id",
    "kind",
    "actor_id",
    "created_at",
    "is_internal",
    "body",
    "data",
)
ESCALATION_COLUMNS = (
    "id",
    "request_id",
    "clock",
    "level_id",
    "source",
    "actor_id",
    "reason",
    "fired_at",
)

DAY = 86_400
HOUR = 3_600
AHEAD_DAYS = 800
RECENT = 30 * DAY  # requests younger than this are mostly still open
OPEN_IF_RECENT = 0.6
OPEN_IF_OLDER = 0.085  # together about 10 % of all requests are open

# Plain values, not enum members: the database drivers are handed them directly.
NEW, ACK, PROG, WAIT = (s.value for s in OPEN_STATUSES)
RES, CLO, CAN = Status.RESOLVED.value, Status.CLOSED.value, Status.CANCELLED.value
OPEN = [NEW, ACK, PROG, WAIT]
OPEN_CUMULATIVE = list(accumulate([0.25, 0.20, 0.35, 0.20]))
DONE = [CLO, RES, CAN]
DONE_CUMULATIVE = list(accumulate([0.70, 0.22, 0.08]))
PRIORITY_CUMULATIVE = list(accumulate([0.02, 0.13, 0.60, 0.25]))
PRIORITIES = [p.value for p in Priority]
CHANNEL_CUMULATIVE = list(accumulate([0.75, 0.15, 0.10]))
CHANNELS = [Channel.WEB.value, Channel.API.value, Channel.EMAIL.value]

Kind = RequestEvent.Kind
CREATED, ASSIGNMENT, ESCALATION = Kind.CREATED.value, Kind.ASSIGNMENT.value, Kind.ESCALATION.value
S, R, N = Kind.STATUS.value, Kind.REPLY.value, Kind.NOTE.value
# What happened after filing and routing, per final status: each step is (kind, from, to).
# Messages never follow a move that would reopen the request or refuse a message.
LIFECYCLES: dict[str, list[list[tuple[str, str, str]]]] = {
    NEW: [[(R, "", "")], [(R, "", ""), (R, "", "")], [(N, "", "")]],
    ACK: [[(S, NEW, ACK)], [(S, NEW, ACK), (R, "", "")], [(S, NEW, ACK), (N, "", ""), (R, "", "")]],
    PROG: [
        [(S, NEW, PROG)],
        [(S, NEW, ACK), (S, ACK, PROG)],
        [(S, NEW, ACK), (S, ACK, PROG), (N, "", "")],
    ],
    WAIT: [
        [(S, NEW, PROG), (S, PROG, WAIT)],
        [(S, NEW, ACK), (R, "", ""), (S, ACK, WAIT)],
        [(S, NEW, PROG), (N, "", ""), (S, PROG, WAIT)],
    ],
    RES: [
        [(S, NEW, RES)],
        [(S, NEW, PROG), (S, PROG, RES)],
        [(S, NEW, ACK), (R, "", ""), (S, ACK, RES)],
    ],
    CLO: [
        [(S, NEW, RES), (S, RES, CLO)],
        [(S, NEW, PROG), (S, PROG, RES), (S, RES, CLO)],
        [(S, NEW, ACK), (S, ACK, RES), (S, RES, CLO)],
    ],
    CAN: [[(S, NEW, CAN)], [(R, "", ""), (S, NEW, CAN)], [(S, NEW, ACK), (S, ACK, CAN)]],
}
# Mean seconds before each kind of step: the first answer within hours, the rest in days.
MEAN_GAP = {S: 20 * HOUR, R: 6 * HOUR, N: 3 * HOUR}


@dataclass(frozen=True)
class Timeline:
    """The span the history covers, and timestamps formatted the way the database stores them."""

    start: datetime  # midnight UTC, `days` before the end
    days: int
    suffix: str  # "" for SQLite (naive UTC text), "+00" for PostgreSQL

    def formatter(self) -> Callable[[int], str]:
        # Past the end too: the clocks' due times and the next escalations lie ahead of it.
        dates = [
            (self.start + timedelta(days=day)).strftime("%Y-%m-%d ")
            for day in range(self.days + AHEAD_DAYS)
        ]
        clock = [
            f"{h:02d}:{m:02d}:{s:02d}{self.suffix}"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

        def text(seconds: int) -> str:
            return dates[seconds // DAY] + clock[seconds % DAY]

        return text

    def at(self, seconds: int) -> datetime:
        return self.start + timedelta(seconds=seconds)

    def stamper(self) -> Callable[[datetime | None], str | None]:
        """Any UTC datetime (or None) as the database stores it: by table lookup for whole
        seconds in the span `formatter` covers, else by `isoformat`."""
        text, start, limit = self.formatter(), self.start, (self.days + AHEAD_DAYS) * DAY
        suffix = self.suffix

        def stamp(moment: datetime | None) -> str | None:
            if moment is None:
                return None
            delta = moment - start
            seconds = delta.days * DAY + delta.seconds
            if delta.microseconds == 0 and 0 <= seconds < limit:
                return text(seconds)
            return moment.isoformat(" ") if suffix else moment.replace(tzinfo=None).isoformat(" ")

        return stamp

    def filing_times(self, rng: random.Random, count: int) -> list[int]:
        """Seconds from the start, sorted: weekdays, office hours (8:00 to 18:00)."""
        workdays = [
            day * DAY
            for day in range(self.days)
            if (self.start + timedelta(days=day)).weekday() < 5
        ]
        picks = len(workdays)
        draw = rng.random
        return sorted(
            workdays[int(draw() * picks)] + 8 * HOUR + int(draw() * 10 * HOUR) for _ in range(count)
        )


def _pick(cumulative: list[float], value: float) -> int:
    for index, bound in enumerate(cumulative):
        if value < bound:
            return index
    return len(cumulative) - 1


@dataclass
class EventIds:
    """The last event and ledger ids given: escalation rows are numbered when a chunk is
    finished, after its clocks are computed, and the next chunk's events continue from there."""

    event: int = 0
    ledger: int = 0


@dataclass
class Chunk:
    """Generated requests waiting for their clocks: `finish` completes their rows."""

    request_rows: list[tuple]  # without the SLA and escalation columns
    event_rows: list[tuple]
    clock_inputs: list[tuple]  # see `clock_columns`
    service_ids: list[int]  # each request's service (whom its escalation levels tell)


def history_rows(
    *,
    rng: random.Random,
    organization: Organization,
    count: int,
    timeline: Timeline,
    chunk: int,
    counters: dict[int, int],
    ids: EventIds,
) -> Iterator[Chunk]:
    """Yield `chunk` requests at a time with their events, ids from 1, oldest first.

    `counters` ends up holding each department's last request number. Each chunk must be
    finished (its escalation events numbered in `ids`) before the next is asked for.
    """
    services = organization.services
    service_cumulative = list(accumulate(service.weight for service in services))
    people, people_departments = organization.person_ids, organization.person_department_ids
    population = len(people)
    descriptions = words.description_pool(rng)
    subjects = [
        [f"{service.name} {tail}".strip() for tail in words.SUBJECT_TAILS] for service in services
    ]
    routed = [
        json.dumps({"from": None, "to": s.point_id, "to_name": s.point_name, "routed": True})
        for s in services
    ]
    # The team's moves and replies are the ones that count for the SLA (`by_team`).
    status_data = {
        (a, b, by_team): json.dumps({"from": a, "to": b, "reopened": False, "by_team": by_team})
        for steps in LIFECYCLES.values()
        for step in steps
        for kind, a, b in step
        if kind == S
        for by_team in (False, True)
    }
    reply_data = {by_team: json.dumps({"by_team": by_team}) for by_team in (False, True)}
    replies, notes = words.REPLIES, words.NOTES
    text = timeline.formatter()
    end = timeline.days * DAY
    times = timeline.filing_times(rng, count)
    draw = rng.random
    for begin in range(0, count, chunk):
        size = min(chunk, count - begin)
        picks = rng.choices(range(len(services)), cum_weights=service_cumulative, k=size)
        request_rows: list[tuple] = []
        event_rows: list[tuple] = []
        clock_inputs: list[tuple] = []
        service_ids: list[int] = []
        event_id = ids.event
        for offset, service_index in enumerate(picks):
            request_id = begin + offset + 1
            created = times[begin + offset]
            service = services[service_index]
            department_id = service.department_id
            sequence = counters.get(department_id, 0) + 1
            counters[department_id] = sequence
            who = int(draw() * population)
            requester = people[who]
            assignee = service.point_id
            age = end - created
            if draw() < (OPEN_IF_RECENT if age < RECENT else OPEN_IF_OLDER):
                status = OPEN[_pick(OPEN_CUMULATIVE, draw())]
            else:
                status = DONE[_pick(DONE_CUMULATIVE, draw())]
            steps = LIFECYCLES[status][int(draw() * 3)]
            priority = PRIORITIES[_pick(PRIORITY_CUMULATIVE, draw())]
            channel = CHANNELS[_pick(CHANNEL_CUMULATIVE, draw())]
            description = descriptions[int(draw() * len(descriptions))]
            subject_choices = subjects[service_index]
            subject = subject_choices[int(draw() * len(subject_choices))]
            answers = service.answers[int(draw() * len(service.answers))]

            gaps = [int(-MEAN_GAP[kind] * math.log(1.0 - draw())) + 60 for kind, _, _ in steps]
            room = end - created - 60
            total = sum(gaps)
            if total > room:  # a recent request: squeeze its history in before "now"
                gaps = [gap * room // total for gap in gaps]
            created_text = text(created)
            event_rows.append(
                (
                    event_id + 1,
                    request_id,
                    CREATED,
                    requester,
                    created_text,
                    False,
                    description,
                    f'{{"channel": "{channel}", "priority": {priority}, "assignee": {assignee}}}',
                )
            )
            event_rows.append(
                (
                    event_id + 2,
                    request_id,
                    ASSIGNMENT,
                    None,
                    created_text,
                    False,
                    "",
                    routed[service_index],
                )
            )
            event_id += 2
            moment = created
            acknowledged_at = resolved_at = closed_at = None
            team = service.team_ids
            clock_steps: list[tuple] = []
            for (kind, before, after), gap in zip(steps, gaps, strict=True):
                moment += gap
                at = text(moment)
                event_id += 1
                if kind == S:
                    # The requester confirms a resolution and withdraws; the team does the rest.
                    actor = requester if after in (CLO, CAN) else assignee
                    by_team = actor in team
                    event_rows.append(
                        (
                            event_id,
                            request_id,
                            S,
                            actor,
                            at,
                            False,
                            "",
                            status_data[(before, after, by_team)],
                        )
                    )
                    clock_steps.append((moment, after, by_team and before == NEW, by_team))
                    if after == ACK:
                        acknowledged_at = at
                    elif after == RES:
                        resolved_at = at
                    elif after in (CLO, CAN):
                        closed_at = at
                elif kind == R:
                    actor = requester if draw() < 0.5 else assignee
                    by_team = actor in team
                    body = replies[int(draw() * len(replies))]
                    event_rows.append(
                        (event_id, request_id, R, actor, at, False, body, reply_data[by_team])
                    )
                    clock_steps.append((moment, "", by_team, by_team))
                else:
                    body = notes[int(draw() * len(notes))]
                    event_rows.append((event_id, request_id, N, assignee, at, True, body, "{}"))
            clock_inputs.append((department_id, priority, created, clock_steps, status))
            service_ids.append(service.id)
            request_rows.append(
                (
                    request_id,
                    f"{service.department_code}-{sequence:06d}",
                    department_id,
                    sequence,
                    service.id,
                    service.confidential,
                    requester,
                    None,
                    people_departments[who],
                    subject,
                    description,
                    priority,
                    status,
                    assignee,
                    answers,
                    channel,
                    created_text,
                    text(moment),
                    acknowledged_at,
                    resolved_at,
                    closed_at,
                )
            )
        ids.event = event_id
        yield Chunk(request_rows, event_rows, clock_inputs, service_ids)


def clock_columns(levels: ServiceLevels, timeline: Timeline, inputs: list[tuple]) -> list[tuple]:
    """The SLA and escalation columns of generated requests, from (department id, priority,
    filed at, steps, status), times in seconds from the timeline's start and each step as
    (at, to status or "", first response, by the team): (agreement id, the stored SLA
    fields, next_escalation_at, ((level id, fired at), ...)), timestamps as stored.

    Pure: `bench_seed` runs it in worker processes while it loads the previous chunk.
    """
    stamp, at = timeline.stamper(), timeline.at
    columns = []
    for department_id, priority, created, steps, status in inputs:
        outcome = levels.evaluate(
            department_id=department_id,
            priority=priority,
            opened=at(created),
            steps=[
                Step(at=at(moment), to_status=to, first_response=first, by_team=team)
                for moment, to, first, team in steps
            ],
            status=status,
        )
        columns.append(
            (
                levels.agreement_ids[department_id],
                *(
                    stamp(value) if isinstance(value, datetime) else value
                    for value in outcome.stored
                ),
                stamp(outcome.next_escalation_at),
                tuple((fired.level.pk, stamp(fired.at)) for fired in outcome.fired),
            )
        )
    return columns


def finish(
    chunk: Chunk, columns: list[tuple], *, levels: ServiceLevels, ids: EventIds
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The chunk's request, event and ledger rows, with its clocks and fired levels."""
    request_rows, event_rows, ledger_rows = [], chunk.event_rows, []
    for row, service_id, (*fields, fired) in zip(
        chunk.request_rows, chunk.service_ids, columns, strict=True
    ):
        request_rows.append((*row, *fields))
        for level_id, fired_at in fired:
            level = levels.level(level_id)
            ids.event += 1
            ids.ledger += 1
            data = levels.event_data(level, service_id)
            event_rows.append(
                (ids.event, row[0], ESCALATION, None, fired_at, True, "", json.dumps(data))
            )
            ledger_rows.append(
                (ids.ledger, row[0], level.clock, level.pk, "trigger", None, "", fired_at)
            )
    return request_rows, event_rows, ledger_rows

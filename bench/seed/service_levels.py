"""The benchmark's service levels: a business calendar, an agreement and an escalation policy
per department, and each generated request's stored clocks and fired escalation levels.

The calendar and agreements are made by the SLA services (`calendar_create`,
`agreement_create`, `agreement_set_targets`, `agreement_activate`); the targets, rules and
calendar a request's clocks use come from `inputs_for` and `calendar_for`, as for a filed
request. The stored SLA fields are the real clocks (`sla_state`) at the end of the history,
written by `apply` exactly as `sla_refresh` would have left them (`sla-rebuild` finds
nothing to change).

Escalation policies were adopted `ESCALATION_DAYS` before the end, which put every open
request in the tick's index then; later requests enter it when they are filed. From then on
a punctual worker evaluates the request whenever its timeline changes and whenever the next
level falls due, and fires what is due: `_replay` is that worker, calling the tick's own
`plan` on the request as it stood at each of those instants (`sla_state` and
`silent_since` up to then). The ledger and the timelines hold exactly those firings;
`next_escalation_at` is what `plan` leaves at the end (always after it), or null. The
seeded levels only notify, so firing them changes nothing on the timeline they are
computed from. Whom each level tells is `Recipients.for_level`'s answer and its timeline
entry is `escalation_data`'s; the notifications themselves are not generated (as for the
rest of the history: they would only add unread rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from staffdesk.catalog.models import Service
from staffdesk.directory.models import Department
from staffdesk.escalation.display import describe
from staffdesk.escalation.models import Level, Policy
from staffdesk.escalation.selectors import level_rule
from staffdesk.escalation.services.firing import Recipients, escalation_data
from staffdesk.escalation.triggers import Rule, Situation, Trigger, WatchedClock, plan, silent_since
from staffdesk.requests.models import OPEN_STATUSES, Request, Status
from staffdesk.requests.sla.clocks import SlaState, Step, sla_state
from staffdesk.requests.sla.store import STORED_FIELDS, SlaInputs, apply, calendar_for, inputs_for
from staffdesk.sla.businesstime import CalendarSpec
from staffdesk.sla.models import Agreement, BusinessCalendar
from staffdesk.sla.services import (
    agreement_activate,
    agreement_create,
    agreement_set_targets,
    calendar_create,
)

HOUR = 60
DAY = 9 * HOUR  # business minutes in one day of the calendar below (08:00-17:00)
# (first response, resolution) in business minutes for P1..P4: the departments most asked
# answer fastest, as in the demo city.
FAST_TARGETS = {1: (30, 4 * HOUR), 2: (2 * HOUR, DAY), 3: (4 * HOUR, 3 * DAY), 4: (DAY, 5 * DAY)}
TARGETS = {
    1: (2 * HOUR, 2 * DAY),
    2: (DAY, 5 * DAY),
    3: (2 * DAY, 10 * DAY),
    4: (3 * DAY, 20 * DAY),
}
FAST_DEPARTMENTS = {"IT", "HR", "FAC", "FLEET"}
ESCALATION_DAYS = 90
OPEN = frozenset(status.value for status in OPEN_STATUSES)


@dataclass(frozen=True)
class LevelSpec:
    """A level of every department's ladder."""

    position: int
    name: str
    trigger: str
    clock: str
    notify: str  # point | backup | lead
    share_percent: int | None = None
    business_minutes: int | None = None


LADDER = (
    LevelSpec(1, "Point person", Trigger.SHARE, WatchedClock.RESPONSE, "point", share_percent=75),
    LevelSpec(2, "Team lead", Trigger.BREACH, WatchedClock.RESPONSE, "lead"),
    LevelSpec(
        3,
        "Backup",
        Trigger.AFTER_BREACH,
        WatchedClock.RESPONSE,
        "backup",
        business_minutes=HOUR * 2,
    ),
    LevelSpec(
        4, "No news", Trigger.SILENCE, WatchedClock.ACTIVITY, "lead", business_minutes=3 * DAY
    ),
)


@dataclass(frozen=True)
class Fired:
    level: Level
    at: datetime


@dataclass(frozen=True)
class RequestLevels:
    """What the clocks and the policy leave on one request at the end of the history."""

    stored: tuple  # the values of STORED_FIELDS
    next_escalation_at: datetime | None
    fired: list[Fired]


@dataclass
class ServiceLevels:
    """Agreements and ladders by department; computes each request's clocks and firings."""

    end: datetime
    adopted_at: datetime
    agreements: dict[int, Agreement]  # by provider department id, targets prefetched
    levels: dict[int, list[Level]]  # by department id, in position order
    _inputs: dict[tuple[int, int], SlaInputs] = field(default_factory=dict)
    _specs: dict[tuple[int, int], CalendarSpec] = field(default_factory=dict)
    _rules: dict[int, list[Rule]] = field(default_factory=dict)
    _why: dict[int, str] = field(default_factory=dict)
    _by_id: dict[int, Level] = field(default_factory=dict)
    _told: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    @property
    def agreement_ids(self) -> dict[int, int]:
        return {department_id: a.pk for department_id, a in self.agreements.items()}

    def prepare(self, years: range, services: list[Service]) -> None:
        """Read and build everything `evaluate` and `finish` need for requests filed in
        `years`: afterwards `evaluate` touches no database (worker processes call it)."""
        for department_id in self.agreements:
            for priority in TARGETS:
                self.inputs(department_id, priority)
            for year in years:
                self.spec(department_id, year)
        self._by_id.update({lv.pk: lv for levels in self.levels.values() for lv in levels})
        for department_id, levels in self.levels.items():
            self._rules[department_id] = [level_rule(level) for level in levels]
            for level in levels:
                self._why[level.pk] = describe(level)
        recipients = Recipients()
        for service in services:
            for level in self.levels[service.department_id]:
                request = Request(
                    service=service,
                    department=service.department,
                    confidential=service.confidential,
                )
                told = recipients.for_level(level, request)
                self._told[(service.pk, level.pk)] = [person.display_name for person in told]

    def inputs(self, department_id: int, priority: int) -> SlaInputs:
        """The targets and rules of the department's agreement, as `inputs_for` gives them
        for a request of that priority."""
        key = (department_id, priority)
        if key not in self._inputs:
            request = Request(sla_agreement=self.agreements[department_id], priority=priority)
            inputs = inputs_for(request)
            assert inputs is not None
            self._inputs[key] = inputs
        return self._inputs[key]

    def spec(self, department_id: int, year: int) -> CalendarSpec:
        """The agreement's calendar as `calendar_for` builds it for a request filed in `year`
        and looked at by the end of the history."""
        key = (department_id, year)
        if key not in self._specs:
            filed = Request(created_at=datetime(year, 7, 1, tzinfo=self.end.tzinfo))
            self._specs[key] = calendar_for(self.agreements[department_id], filed, now=self.end)
        return self._specs[key]

    def evaluate(
        self,
        *,
        department_id: int,
        priority: int,
        opened: datetime,
        steps: list[Step],
        status: str,
    ) -> RequestLevels:
        """The request's clocks and fired levels at the end; `steps` in timeline order
        (status moves and public replies), `status` the one it has at the end."""
        spec = self.spec(department_id, opened.year)
        sla = self.inputs(department_id, priority)
        state = self._state(sla, opened, steps, spec, self.end)
        row = SimpleNamespace()
        apply(row, state)  # type: ignore[arg-type]  # it only sets the stored fields' attributes
        stored = tuple(getattr(row, name) for name in STORED_FIELDS)

        # Adopting the policies put the departments' open requests in the tick's index
        # (`policy_requests_recheck`); later requests enter it when they are filed.
        if opened >= self.adopted_at:
            looked_at = opened
        elif any(s.to_status not in OPEN and s.at <= self.adopted_at for s in steps if s.to_status):
            return RequestLevels(stored, None, [])  # over before the policies came
        else:
            looked_at = self.adopted_at
        fired, next_at = self._replay(department_id, sla, opened, steps, spec, looked_at)
        return RequestLevels(stored, next_at, fired)

    def _replay(
        self,
        department_id: int,
        sla: SlaInputs,
        opened: datetime,
        steps: list[Step],
        spec: CalendarSpec,
        looked_at: datetime,
    ) -> tuple[list[Fired], datetime | None]:
        """A punctual worker from `looked_at` to the end: it evaluates the request at every
        timeline change and whenever `plan` says the next level falls due, and fires what
        `plan` says is due then. Returns the firings and the `next_at` it leaves."""
        rules = self._rules[department_id]
        changes = sorted({step.at for step in steps if step.at > looked_at})
        fired: list[Fired] = []
        done: set[int] = set()
        moment = looked_at
        while True:
            situation = self._situation(sla, opened, steps, spec, moment)
            ahead = plan(rules, fired=done, situation=situation, now=moment)
            for rule in ahead.fire:
                fired.append(Fired(self._by_id[rule.level_id], moment))
                done.add(rule.level_id)
            upcoming = [at for at in changes if at > moment][:1]
            if ahead.next_at is not None:
                upcoming.append(ahead.next_at)
            if moment < self.end:
                upcoming.append(self.end)  # the tick made to look at the end (see the tests)
            upcoming = [at for at in upcoming if at <= self.end]
            if not upcoming:
                return fired, ahead.next_at
            moment = min(upcoming)

    def _situation(
        self,
        sla: SlaInputs,
        opened: datetime,
        steps: list[Step],
        spec: CalendarSpec,
        moment: datetime,
    ) -> Situation:
        """The request as the tick's `situation_for` sees it at `moment`."""
        status = Status.NEW.value
        for step in steps:
            if step.at > moment:
                break
            if step.to_status:
                status = step.to_status
        pausing = sla.rules.pausing_statuses
        return Situation(
            sla=self._state(sla, opened, steps, spec, moment),
            sla_calendar=spec,
            activity_calendar=spec,
            last_team_activity=silent_since(
                opened_at=opened, steps=steps, pausing=pausing, now=moment
            ),
            is_open=status in OPEN,
            is_paused=status in pausing,
        )

    @staticmethod
    def _state(
        sla: SlaInputs, opened: datetime, steps: list[Step], spec: CalendarSpec, now: datetime
    ) -> SlaState:
        return sla_state(
            opened_at=opened,
            steps=steps,
            targets=sla.targets,
            rules=sla.rules,
            calendar=spec,
            now=now,
        )

    def level(self, level_id: int) -> Level:
        return self._by_id[level_id]

    def event_data(self, level: Level, service_id: int) -> dict:
        """The fired level's timeline entry, as the tick writes it."""
        return escalation_data(
            level,
            why=self._why[level.pk],
            by_requester=False,
            notified=self._told[(service_id, level.pk)],
        )


def service_levels_create(
    *,
    departments: list[Department],
    established_at: datetime,
    end: datetime,
) -> ServiceLevels:
    """The city calendar, an active agreement for everyone per department, and a ladder."""
    calendar: BusinessCalendar = calendar_create(
        name="City business hours",
        time_zone="America/New_York",
        holiday_country="US",
        holiday_subdivision="PA",
        intervals=[(weekday, time(8), time(17)) for weekday in range(5)],
        now=established_at,
    )
    agreement_ids = {}
    for department in departments:
        agreement = agreement_create(
            name=f"{department.name} for all departments",
            provider=department,
            calendar=calendar,
            effective_from=established_at.date(),
            point_person=department.lead,
            now=established_at,
        )
        table = FAST_TARGETS if department.code in FAST_DEPARTMENTS else TARGETS
        agreement_set_targets(agreement=agreement, targets=table, now=established_at)
        agreement_ids[department.pk] = agreement_activate(
            agreement=agreement, now=established_at
        ).pk
    agreements = {
        agreement.provider_id: agreement
        for agreement in Agreement.objects.filter(pk__in=agreement_ids.values())
        .select_related("calendar")
        .prefetch_related("targets")
    }

    adopted_at = end - timedelta(days=ESCALATION_DAYS)
    policies = Policy.objects.bulk_create(
        Policy(
            name=f"{department.name} escalation",
            department=department,
            created_at=adopted_at,
            updated_at=adopted_at,
        )
        for department in departments
    )
    levels = Level.objects.bulk_create(
        Level(
            policy=policy,
            position=step.position,
            name=step.name,
            trigger=step.trigger,
            clock=step.clock,
            share_percent=step.share_percent,
            business_minutes=step.business_minutes,
            notify_point_person=step.notify == "point",
            notify_backup=step.notify == "backup",
            notify_lead=step.notify == "lead",
        )
        for policy in policies
        for step in LADDER
    )
    by_department: dict[int, list[Level]] = {department.pk: [] for department in departments}
    for level in levels:
        by_department[level.policy.department_id].append(level)
    return ServiceLevels(
        end=end, adopted_at=adopted_at, agreements=agreements, levels=by_department
    )

"""The benchmark's service levels: a business calendar, an agreement and an escalation policy
per department, and each generated request's stored clocks and fired escalation levels.

The stored SLA fields are computed with the real clocks (`requests.sla.clocks`) at the end of
the history, exactly as `sla_refresh` would have left them (`sla-rebuild` finds nothing to
change). Escalation policies were adopted `ESCALATION_DAYS` before the end, which put every
open request in the tick's index then; later requests enter it when they are filed. From
then on a punctual worker fires each level at the first instant it is due, and the ledger
and the timelines hold exactly those firings; `next_escalation_at` is the next instant a
level falls due (always after the end), or null. The seeded levels only notify, so firing
them changes nothing on the timeline they are computed from. The notifications themselves
are not generated (as for the rest of the history: they would only add unread rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from staffdesk.directory.models import Department
from staffdesk.escalation.models import Level, Policy, Trigger, WatchedClock
from staffdesk.escalation.selectors import level_rule
from staffdesk.escalation.services.firing import describe
from staffdesk.escalation.triggers import Rule, Situation, plan, threshold
from staffdesk.requests.models import OPEN_STATUSES, Status
from staffdesk.requests.sla.clocks import (
    Rules,
    SlaState,
    Step,
    Targets,
    resolution_clock,
    response_clock,
)
from staffdesk.requests.sla.store import STORED_FIELDS, apply
from staffdesk.sla.businesstime import CalendarSpec, add_business_time
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar, WorkingInterval

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
PAUSING = frozenset({Status.WAITING_ON_REQUESTER.value})
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

# `ServiceLevels._first_due` replays the response clock and silence only: a level on the
# resolution clock would need that clock's pauses replayed as well.
assert all(step.clock != WatchedClock.RESOLUTION for step in LADDER)


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
    """Agreements, targets and ladders by department; computes each request's clocks."""

    calendar: BusinessCalendar
    end: datetime
    adopted_at: datetime
    agreement_ids: dict[int, int]
    targets: dict[int, dict[int, Targets]]
    levels: dict[int, list[Level]]
    rules: Rules = field(default_factory=lambda: Rules(pausing_statuses=PAUSING))
    _specs: dict[int, CalendarSpec] = field(default_factory=dict)
    _rules: dict[int, list[Rule]] = field(default_factory=dict)
    _why: dict[int, str] = field(default_factory=dict)
    _by_id: dict[int, Level] = field(default_factory=dict)

    def prepare(self, years: range) -> None:
        """Build the calendars and lookups of requests filed in `years` now: afterwards
        `evaluate` reads nothing from the database (worker processes may call it)."""
        for year in years:
            self.spec(year)
        self._index_levels()
        for levels in self.levels.values():
            for level in levels:
                self.why(level)

    def spec(self, year: int) -> CalendarSpec:
        """The calendar as `store.calendar_for` builds it for a request filed in `year`."""
        if year not in self._specs:
            self._specs[year] = self.calendar.spec(
                years=range(year - 1, max(self.end.year, year) + 3)
            )
        return self._specs[year]

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
        spec = self.spec(opened.year)
        targets = self.targets[department_id][priority]
        end = self.end
        response = response_clock(
            opened_at=opened,
            steps=steps,
            target=targets.response,
            rules=self.rules,
            calendar=spec,
            now=end,
        )
        resolution, paused, settled = resolution_clock(
            opened_at=opened,
            steps=steps,
            target=targets.resolution,
            rules=self.rules,
            calendar=spec,
            now=end,
        )
        state = SlaState(response, resolution, paused, [], *settled)
        row = SimpleNamespace()
        apply(row, state)
        stored = tuple(getattr(row, name) for name in STORED_FIELDS)

        # Adopting the policies put the departments' open requests in the tick's index
        # (`policy_requests_recheck`); later requests enter it when they are filed.
        if opened >= self.adopted_at:
            looked_at = opened
        elif any(s.to_status not in OPEN and s.at <= self.adopted_at for s in steps if s.to_status):
            return RequestLevels(stored, None, [])  # over before the policies came
        else:
            looked_at = self.adopted_at
        levels = self.levels[department_id]
        fired: list[Fired] = []
        for level in levels:
            at = self._first_due(level, opened, steps, targets, spec, looked_at)
            if at is not None:
                fired.append(Fired(level, at))
        situation = Situation(
            sla=state,
            sla_calendar=spec,
            activity_calendar=spec,
            last_team_activity=_silence(opened, steps)[-1][1],
            is_open=status in OPEN,
            is_paused=status in PAUSING,
        )
        rules = self._level_rules(department_id)
        ahead = plan(rules, fired=[f.level.pk for f in fired], situation=situation, now=end)
        # A level due right at the end (a tie the replay above treats as not yet): fired now.
        by_id = {level.pk: level for level in levels}
        fired += [Fired(by_id[rule.level_id], end) for rule in ahead.fire]
        return RequestLevels(stored, ahead.next_at, fired)

    def _first_due(
        self,
        level: Level,
        opened: datetime,
        steps: list[Step],
        targets: Targets,
        spec: CalendarSpec,
        looked_at: datetime,
    ) -> datetime | None:
        """The first instant from `looked_at` to the end at which the level is due."""
        end = self.end
        if level.trigger == Trigger.SILENCE:
            minutes = timedelta(minutes=level.business_minutes or 0)
            segments = _silence(opened, steps)
            for index, (start, since, waiting, is_open) in enumerate(segments):
                if waiting or not is_open:
                    continue
                at = max(add_business_time(since, minutes, spec), start, looked_at)
                stop = segments[index + 1][0] if index + 1 < len(segments) else None
                if at <= end and (stop is None or at < stop):
                    return at
            return None
        # The response clock counts until the team's first response or the end of the request.
        stop = next(
            (
                s.at
                for s in steps
                if s.first_response or s.to_status in self.rules.stopping_statuses
            ),
            None,
        )
        rule = level_rule(level)
        at = max(add_business_time(opened, threshold(rule, targets.response), spec), looked_at)
        if at <= end and (stop is None or at < stop):
            return at
        return None

    def _level_rules(self, department_id: int) -> list[Rule]:
        if department_id not in self._rules:
            self._rules[department_id] = [level_rule(level) for level in self.levels[department_id]]
        return self._rules[department_id]

    def level(self, level_id: int) -> Level:
        if not self._by_id:
            self._index_levels()
        return self._by_id[level_id]

    def _index_levels(self) -> None:
        self._by_id.update({lv.pk: lv for levels in self.levels.values() for lv in levels})

    @staticmethod
    def notifies(level: Level) -> str:
        """Whom the level tells, as a key of `ServicePlan.recipients`."""
        return "point" if level.notify_point_person else "backup" if level.notify_backup else "lead"

    def why(self, level: Level) -> str:
        if level.pk not in self._why:
            self._why[level.pk] = describe(level)
        return self._why[level.pk]


def _silence(opened: datetime, steps: list[Step]) -> list[tuple[datetime, datetime, bool, bool]]:
    """(from, silent since, waiting on the requester, open) for each stretch between status
    moves and public replies, as the tick's `_silent_since` replays them."""
    since, waiting, is_open = opened, False, True
    segments = [(opened, since, waiting, is_open)]
    for step in steps:
        resumed = waiting and step.to_status and step.to_status not in PAUSING
        if step.by_team or resumed:
            since = max(since, step.at)
        if step.to_status:
            waiting = step.to_status in PAUSING
            is_open = step.to_status in OPEN
        segments.append((step.at, since, waiting, is_open))
    return segments


def service_levels_create(
    *,
    departments: list[Department],
    established_at: datetime,
    end: datetime,
) -> ServiceLevels:
    """The city calendar, an active agreement for everyone per department, and a ladder."""
    calendar = BusinessCalendar.objects.create(
        name="City business hours",
        time_zone="America/New_York",
        holiday_country="US",
        holiday_subdivision="PA",
        created_at=established_at,
        updated_at=established_at,
    )
    WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=calendar, weekday=weekday, start=time(8), end=time(17))
        for weekday in range(5)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            name=f"{department.name} for all departments",
            provider=department,
            applies_to_everyone=True,
            calendar=calendar,
            status=Agreement.Status.ACTIVE,
            effective_from=established_at.date(),
            point_person_id=department.lead_id,
            created_at=established_at,
            updated_at=established_at,
        )
        for department in departments
    )
    targets: dict[int, dict[int, Targets]] = {}
    target_rows = []
    for department, agreement in zip(departments, agreements, strict=True):
        table = FAST_TARGETS if department.code in FAST_DEPARTMENTS else TARGETS
        targets[department.pk] = {
            priority: Targets(timedelta(minutes=response), timedelta(minutes=resolution))
            for priority, (response, resolution) in table.items()
        }
        target_rows += [
            AgreementTarget(
                agreement=agreement,
                priority=priority,
                first_response_minutes=response,
                resolution_minutes=resolution,
            )
            for priority, (response, resolution) in table.items()
        ]
    AgreementTarget.objects.bulk_create(target_rows)

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
        calendar=calendar,
        end=end,
        adopted_at=adopted_at,
        agreement_ids={a.provider_id: a.pk for a in agreements},
        targets=targets,
        levels=by_department,
    )

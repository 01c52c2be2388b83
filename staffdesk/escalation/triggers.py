"""When each level of a policy is due: a pure function of a request's SLA state and `now`.

Share, breach and after-breach triggers read one SLA clock and compare the business time it
has used with a threshold (75 % of a 4-hour target is 3 business hours; "60 minutes after
breach" is the target plus 60 business minutes). They can only fire while that clock is
ticking: a met, stopped or paused clock escalates nobody. Silence reads the time since the
providing team last spoke publicly or moved the request (or since it was filed, or came
back from waiting on the requester), counted in the agreement's business hours (24x7 without
one); it does not run while the request waits on the requester, nor once it is resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from staffdesk.core.choices import Choices
from staffdesk.requests.sla.clocks import Clock, SlaState, Step
from staffdesk.sla.businesstime import CalendarSpec, add_business_time


class WatchedClock(Choices):
    """What a level's trigger watches; the ledger's `clock`."""

    RESPONSE = "response"
    RESOLUTION = "resolution"
    ACTIVITY = "activity"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"response": "First response", "activity": "Team activity"}


class Trigger(Choices):
    """When a level fires."""

    SHARE = "share"
    BREACH = "breach"
    AFTER_BREACH = "after_breach"
    SILENCE = "silence"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "share": "Share of the target used",
            "breach": "Target breached",
            "after_breach": "Business minutes after the breach",
            "silence": "No public activity from the team for business minutes",
        }


# The clocks a share, breach or after-breach trigger reads.
SLA_CLOCKS = (WatchedClock.RESPONSE, WatchedClock.RESOLUTION)


@dataclass(frozen=True)
class Rule:
    """What `plan` needs of a Level."""

    level_id: int
    position: int
    trigger: Trigger
    clock: WatchedClock
    share_percent: int | None = None
    business_minutes: int | None = None


@dataclass(frozen=True)
class Situation:
    """A request at `now`, as the triggers see it."""

    sla: SlaState | None  # None: no agreement applies, only silence can fire
    sla_calendar: CalendarSpec | None
    activity_calendar: CalendarSpec  # the agreement's calendar, else 24x7
    last_team_activity: datetime  # see the module docstring: where silence counts from
    is_open: bool
    is_paused: bool  # in a status the agreement pauses for (waiting on the requester)


@dataclass(frozen=True)
class Plan:
    fire: list[Rule]  # due now, in level order
    next_at: datetime | None  # when the next unfired level falls due, if the timeline stays


def silent_since(
    *, opened_at: datetime, steps: Sequence[Step], pausing: frozenset[str], now: datetime
) -> datetime:
    """Where silence counts from at `now`: the team's last public word or status move, or the
    end of the last wait on the requester (silence is not counted while the ball is in the
    requester's court), else the filing. `steps` in timeline order."""
    since = opened_at
    waiting = False
    for step in steps:
        if step.at > now:
            break
        resumed = waiting and step.to_status and step.to_status not in pausing
        if step.by_team or resumed:
            since = max(since, step.at)
        if step.to_status:
            waiting = step.to_status in pausing
    return since


def threshold(rule: Rule, target: timedelta) -> timedelta:
    """The business time on the clock at which the rule fires."""
    if rule.trigger == Trigger.SHARE:
        return timedelta(seconds=round(target.total_seconds() * (rule.share_percent or 0) / 100))
    if rule.trigger == Trigger.AFTER_BREACH:
        return target + timedelta(minutes=rule.business_minutes or 0)
    return target


def rule_due_at(rule: Rule, situation: Situation, *, now: datetime) -> datetime | None:
    """The instant the rule falls due (at or before `now`: due now); None: it cannot fire now."""
    if not situation.is_open:
        return None
    if rule.trigger == Trigger.SILENCE:
        if situation.is_paused:
            return None
        return add_business_time(
            situation.last_team_activity,
            timedelta(minutes=rule.business_minutes or 0),
            situation.activity_calendar,
        )
    if situation.sla is None or situation.sla_calendar is None:
        return None
    clock: Clock = getattr(situation.sla, rule.clock)
    if not clock.ticking:
        return None
    at = threshold(rule, clock.target)
    if clock.elapsed >= at:
        return now
    return add_business_time(now, at - clock.elapsed, situation.sla_calendar)


def plan(
    rules: Sequence[Rule], *, fired: Iterable[int], situation: Situation, now: datetime
) -> Plan:
    """The levels to fire now (each at most once: `fired` holds the level ids already in the
    ledger) and when to look again."""
    done = set(fired)
    fire: list[Rule] = []
    upcoming: list[datetime] = []
    for rule in sorted(rules, key=lambda r: r.position):
        if rule.level_id in done:
            continue
        due = rule_due_at(rule, situation, now=now)
        if due is None:
            continue
        if due <= now:
            fire.append(rule)
        else:
            upcoming.append(due)
    return Plan(fire=fire, next_at=min(upcoming) if upcoming else None)

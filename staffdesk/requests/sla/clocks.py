"""The SLA state of a request as a pure function of its timeline and its agreement's targets.

Nothing here reads the database or the time: callers pass the steps, the targets, the
calendar and `now`. The same inputs always give the same state, which is what lets the
stored fields be a cache that `sla-rebuild` can verify.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from staffdesk.core.choices import Choices
from staffdesk.sla.businesstime import CalendarSpec, add_business_time, business_time_between

ZERO = timedelta(0)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PIECE = timedelta(days=28)


class ClockState(Choices):
    """A clock's state; the stored `response_state`/`resolution_state` take these values."""

    RUNNING = "running"
    AT_RISK = "at_risk"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    STOPPED = "stopped"  # ended (cancelled, closed) before the clock's goal was reached in time


# Counting towards the target, which has not passed yet.
BEFORE_TARGET = (ClockState.RUNNING, ClockState.AT_RISK)


@dataclass(frozen=True)
class Step:
    """One timeline fact the clocks care about."""

    at: datetime
    to_status: str = ""  # a status change, else ""
    first_response: bool = False  # a public reply or a status move out of "new" by the team
    by_team: bool = False  # the providing team spoke or moved the request (public activity)


@dataclass(frozen=True)
class Targets:
    response: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class Rules:
    at_risk_share: float = 0.75
    pausing_statuses: frozenset[str] = frozenset({"waiting_on_requester"})
    stopping_statuses: frozenset[str] = frozenset({"resolved", "closed", "cancelled"})


@dataclass(frozen=True)
class Clock:
    """One clock at `now`."""

    state: ClockState
    target: timedelta
    elapsed: timedelta
    due_at: datetime | None  # when the target is (or was) reached; None while paused or met
    remaining: timedelta  # business time left (negative once breached)
    next_check_at: datetime | None  # the next instant this clock changes state by itself
    ticking: bool = False  # still counting towards (or past) its target: urgent work


@dataclass(frozen=True)
class SlaState:
    response: Clock
    resolution: Clock
    paused: timedelta  # business time spent in pausing statuses: the customer side's time
    # Running and paused business time up to the last status change: unlike the totals at
    # `now`, these do not move with the clock, so they can be stored and checked.
    settled_elapsed: timedelta = ZERO
    settled_paused: timedelta = ZERO
    settled_at: datetime | None = None  # the last status change (or the opening)

    @property
    def next_check_at(self) -> datetime | None:
        instants = [c.next_check_at for c in (self.response, self.resolution) if c.next_check_at]
        return min(instants) if instants else None


def _between(start: datetime, end: datetime, calendar: CalendarSpec) -> timedelta:
    """`business_time_between`, with the whole PIECEs of a long span counted once per process.

    Business time adds up over any split of a span, so a span is counted as its ends plus
    the fixed 28-day pieces (from the Unix epoch) it covers. The escalation tick replays
    thousands of timelines that reach back months on a handful of calendars: walking those
    months again for every request was some 40 % of its SLA evaluation (10,000 due requests).
    """
    first = -((EPOCH - start) // PIECE)  # the first piece starting at or after `start`
    last = (end - EPOCH) // PIECE  # the piece `end` falls in
    if last <= first:
        return business_time_between(start, end, calendar)
    return (
        business_time_between(start, EPOCH + first * PIECE, calendar)
        + sum((_piece(index, calendar) for index in range(first, last)), ZERO)
        + business_time_between(EPOCH + last * PIECE, end, calendar)
    )


@lru_cache(maxsize=4096)
def _piece(index: int, calendar: CalendarSpec) -> timedelta:
    start = EPOCH + index * PIECE
    return business_time_between(start, start + PIECE, calendar)


def _share(duration: timedelta, share: float) -> timedelta:
    return timedelta(seconds=round(duration.total_seconds() * share))


def response_clock(
    *,
    opened_at: datetime,
    steps: Sequence[Step],
    target: timedelta,
    rules: Rules,
    calendar: CalendarSpec,
    now: datetime,
) -> Clock:
    due = add_business_time(opened_at, target, calendar)
    responded = next((s.at for s in steps if s.first_response and s.at <= now), None)
    ended = next(
        (s.at for s in steps if s.to_status in rules.stopping_statuses and s.at <= now), None
    )
    if responded is not None and (ended is None or responded <= ended):
        elapsed = _between(opened_at, responded, calendar)
        state = ClockState.MET if responded <= due else ClockState.BREACHED
        return Clock(state, target, elapsed, due, target - elapsed, None)
    end = ended or now
    elapsed = _between(opened_at, end, calendar)
    ticking = ended is None
    if end >= due:
        return Clock(ClockState.BREACHED, target, elapsed, due, target - elapsed, None, ticking)
    if ended is not None:
        return Clock(ClockState.STOPPED, target, elapsed, due, target - elapsed, None)
    at_risk_at = add_business_time(opened_at, _share(target, rules.at_risk_share), calendar)
    if now >= at_risk_at:
        return Clock(ClockState.AT_RISK, target, elapsed, due, target - elapsed, due, True)
    return Clock(ClockState.RUNNING, target, elapsed, due, target - elapsed, at_risk_at, True)


@dataclass
class _Segments:
    """Running and paused business time of the resolution clock, replayed from the steps."""

    elapsed: timedelta = ZERO
    paused: timedelta = ZERO
    crossed_at: datetime | None = None
    state: ClockState = ClockState.RUNNING  # running, paused or stopped
    since: datetime | None = None

    def close(self, until: datetime, *, target: timedelta, calendar: CalendarSpec) -> None:
        assert self.since is not None
        span = _between(self.since, until, calendar)
        if self.state == ClockState.RUNNING:
            # Reaching the target exactly counts as crossing it; a clock stopped right then
            # is still met (see _resolution_state).
            if self.crossed_at is None and self.elapsed + span >= target:
                self.crossed_at = add_business_time(self.since, target - self.elapsed, calendar)
            self.elapsed += span
        elif self.state == ClockState.PAUSED:
            self.paused += span


def resolution_clock(
    *,
    opened_at: datetime,
    steps: Sequence[Step],
    target: timedelta,
    rules: Rules,
    calendar: CalendarSpec,
    now: datetime,
) -> tuple[Clock, timedelta, tuple[timedelta, timedelta, datetime | None]]:
    """The resolution clock, the paused (customer-side) business time, and both settled."""
    replay = _Segments(since=opened_at)
    for step in steps:
        if not step.to_status or step.at > now:
            continue
        replay.close(step.at, target=target, calendar=calendar)
        if step.to_status in rules.stopping_statuses:
            replay.state = ClockState.STOPPED
        elif step.to_status in rules.pausing_statuses:
            replay.state = ClockState.PAUSED
        else:
            replay.state = ClockState.RUNNING
        replay.since = step.at
    settled = (replay.elapsed, replay.paused, replay.since)
    if replay.state in (ClockState.RUNNING, ClockState.PAUSED):
        replay.close(now, target=target, calendar=calendar)
        replay.since = now
    clock, paused = _resolution_state(
        replay, target=target, rules=rules, calendar=calendar, now=now
    )
    return clock, paused, settled


def _resolution_state(
    replay: _Segments, *, target: timedelta, rules: Rules, calendar: CalendarSpec, now: datetime
) -> tuple[Clock, timedelta]:
    remaining = target - replay.elapsed
    if replay.state == ClockState.STOPPED and replay.elapsed <= target:
        return Clock(ClockState.MET, target, replay.elapsed, None, remaining, None), replay.paused
    if replay.crossed_at is not None:
        ticking = replay.state == ClockState.RUNNING
        clock = Clock(
            ClockState.BREACHED,
            target,
            replay.elapsed,
            replay.crossed_at,
            remaining,
            None,
            ticking,
        )
        return clock, replay.paused
    if replay.state == ClockState.STOPPED:
        return Clock(ClockState.MET, target, replay.elapsed, None, remaining, None), replay.paused
    if replay.state == ClockState.PAUSED:
        return Clock(
            ClockState.PAUSED, target, replay.elapsed, None, remaining, None
        ), replay.paused
    if remaining <= ZERO:
        clock = Clock(ClockState.BREACHED, target, replay.elapsed, now, remaining, None, True)
        return clock, replay.paused
    due = add_business_time(now, remaining, calendar)
    risk_left = _share(target, rules.at_risk_share) - replay.elapsed
    if risk_left <= ZERO:
        clock = Clock(ClockState.AT_RISK, target, replay.elapsed, due, remaining, due, True)
        return clock, replay.paused
    at_risk_at = add_business_time(now, risk_left, calendar)
    clock = Clock(ClockState.RUNNING, target, replay.elapsed, due, remaining, at_risk_at, True)
    return clock, replay.paused


def sla_state(
    *,
    opened_at: datetime,
    steps: Sequence[Step],
    targets: Targets,
    rules: Rules,
    calendar: CalendarSpec,
    now: datetime,
) -> SlaState:
    """The clocks at `now` (display.explain says why they read what they read)."""
    ordered = sorted(steps, key=lambda s: s.at)
    response = response_clock(
        opened_at=opened_at,
        steps=ordered,
        target=targets.response,
        rules=rules,
        calendar=calendar,
        now=now,
    )
    resolution, paused, settled = resolution_clock(
        opened_at=opened_at,
        steps=ordered,
        target=targets.resolution,
        rules=rules,
        calendar=calendar,
        now=now,
    )
    return SlaState(response, resolution, paused, *settled)

"""Reads: which policy covers a request, its levels, and whether its requester may escalate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import dateformat, timezone

from staffdesk.directory.types import Viewer
from staffdesk.escalation.models import Escalation, Level, Policy
from staffdesk.escalation.triggers import Rule, Trigger, WatchedClock
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import is_requester_side
from staffdesk.requests.sla.clocks import BEFORE_TARGET, ClockState
from staffdesk.requests.sla.store import calendar_for
from staffdesk.sla.businesstime import CalendarSpec, add_business_time

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def level_rule(level: Level) -> Rule:
    return Rule(
        level_id=level.pk,
        position=level.position,
        trigger=Trigger(level.trigger),
        clock=WatchedClock(level.clock),
        share_percent=level.share_percent,
        business_minutes=level.business_minutes,
    )


@dataclass(frozen=True)
class Covering:
    """The levels in force for a request, as the tick reads them: by id, and as rules."""

    levels: dict[int, Level]
    rules: list[Rule]

    @classmethod
    def of(cls, levels: list[Level]) -> Covering:
        return cls({level.pk: level for level in levels}, [level_rule(level) for level in levels])


NOT_COVERED = Covering({}, [])


class PolicyCache:
    """The levels in force for each request during one tick: its service's own active policy
    (even without levels), else its department's. Every active policy's levels are read in
    two queries on first use (there are a few dozen policies, and a tick may see hundreds
    of services: one lookup per service cost two queries each), and turned into rules once
    per policy rather than once per request."""

    def __init__(self) -> None:
        self._by_service: dict[int, Covering] = {}
        self._by_department: dict[int, Covering] = {}
        self._loaded = False

    def covering(self, request: Request) -> Covering:
        if not self._loaded:
            self._load()
        if request.service_id in self._by_service:  # its own policy, even without levels
            return self._by_service[request.service_id]
        return self._by_department.get(request.department_id, NOT_COVERED)

    def _load(self) -> None:
        levels = Level.objects.select_related("notify_person__manager").order_by("position")
        policies = Policy.objects.filter(is_active=True).prefetch_related(
            Prefetch("levels", queryset=levels)
        )
        for policy in policies:
            covering = Covering.of(list(policy.levels.all()))
            if policy.service_id is not None:
                self._by_service[policy.service_id] = covering
            else:
                self._by_department[policy.department_id] = covering
        self._loaded = True


def fired_level_ids(request_ids: list[int]) -> dict[int, set[int]]:
    fired: dict[int, set[int]] = {pk: set() for pk in request_ids}
    for request_id, level_id in Escalation.objects.filter(request_id__in=request_ids).values_list(
        "request_id", "level_id"
    ):
        fired[request_id].add(level_id)
    return fired


def escalation_list(*, user: Viewer, request: Request) -> list[Escalation]:
    """The request's fired levels this user may see (the caller has checked the request)."""
    return list(
        Escalation.objects.visible_to(user)
        .filter(request=request)
        .select_related("level", "actor")
        .order_by("fired_at", "id")
    )


@dataclass(frozen=True)
class RequesterEscalation:
    """Whether the requester's side may escalate now, to which level, and if not, why."""

    allowed: bool
    level: Level | None  # where an escalation goes: the lowest level not fired yet
    reason: str  # why not, in words ("" when allowed)
    has_policy: bool = False  # a policy with levels covers the request (and it is open)


def promise_broken(request: Request, *, now: datetime) -> bool:
    """The response target passed without a response, or the resolution target was breached."""
    response_late = (
        request.response_due_at is not None
        and request.response_due_at <= now
        and request.response_state in (*BEFORE_TARGET, ClockState.BREACHED)
    )
    resolution_late = request.resolution_state == ClockState.BREACHED or (
        request.resolution_state in BEFORE_TARGET
        and request.resolution_due_at is not None
        and request.resolution_due_at <= now
    )
    return response_late or resolution_late


class LevelFired(TypedDict):
    """What `levels_with_fired` annotates each level with."""

    policy_service_id: int | None
    service_has_policy: bool
    fired_at: datetime | None


def levels_with_fired(request: Request) -> list[WithAnnotations[Level, LevelFired]]:
    """The levels in force for the request in one query, each with `fired_at` (when its
    ledger row was written; None: not fired).

    The request page asks this on every view of the requester's side, so the policy choice
    (the service's own active policy, even without levels, else the department's) is made
    by an EXISTS in the same query instead of a query of its own.
    """
    own_policy = Policy.objects.filter(is_active=True, service_id=request.service_id)
    levels = list(
        Level.objects.filter(policy__is_active=True)
        .filter(
            Q(policy__service_id=request.service_id)
            | Q(policy__department_id=request.department_id, policy__service__isnull=True)
        )
        .annotate(
            policy_service_id=F("policy__service_id"),
            service_has_policy=Exists(own_policy),
            fired_at=Subquery(
                Escalation.objects.filter(request_id=request.pk, level_id=OuterRef("pk")).values(
                    "fired_at"
                )[:1]
            ),
        )
        .select_related("notify_person__manager")
        .order_by("position")
    )
    if levels and levels[0].service_has_policy:
        return [level for level in levels if level.policy_service_id == request.service_id]
    return levels


def _when(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j M Y, H:i T")


def _not_yet(request: Request) -> str:
    """When the requester's side will be able to escalate, as far as the clocks tell now."""
    if request.response_state in BEFORE_TARGET and request.response_due_at is not None:
        return (
            f"You can escalate from {_when(request.response_due_at)} if nobody from "
            f"{request.department.name} has answered by then."
        )
    if request.resolution_state in BEFORE_TARGET and request.resolution_due_at is not None:
        return (
            f"You can escalate from {_when(request.resolution_due_at)} if it is not "
            "resolved by then."
        )
    if request.resolution_state == ClockState.PAUSED:
        return (
            "The resolution target is on hold while the request waits on you; you can "
            "escalate if it is breached once work resumes."
        )
    return (
        "You can escalate once the first-response target has passed without an answer, "
        "or once the resolution target is breached."
    )


def requester_escalation(*, user: Viewer, request: Request, now: datetime) -> RequesterEscalation:
    """May this user escalate the request now? Yes for its requester's side once the
    promise is broken (see `promise_broken`), to the lowest level not fired yet."""

    def refuse(reason: str) -> RequesterEscalation:
        return RequesterEscalation(False, None, reason)

    if not is_requester_side(user, request):
        return refuse("Only the requester, or the person it was filed for, can escalate.")
    if not request.is_open:
        return refuse(f"{request.number} is {request.get_status_display().lower()}.")
    levels = levels_with_fired(request)
    if not levels:
        return refuse(f"{request.department.name} has no escalation policy for this service.")
    level = next((lv for lv in levels if lv.fired_at is None), None)
    if level is None:
        reason = "Every escalation level has been reached already."
        return RequesterEscalation(False, None, reason, has_policy=True)
    if not promise_broken(request, now=now):
        return RequesterEscalation(False, level, _not_yet(request), has_policy=True)
    if waiting := _cooling_down(request, levels, now=now):
        return RequesterEscalation(False, level, waiting, has_policy=True)
    return RequesterEscalation(True, level, "", has_policy=True)


def _cooling_down(
    request: Request, levels: list[WithAnnotations[Level, LevelFired]], *, now: datetime
) -> str:
    """Why the requester must wait before the next level, or "": the level fired last (by
    the policy or by them) gives the people it told its response window, in business time
    (the agreement's calendar, around the clock without one)."""
    fired = [lv for lv in levels if lv.fired_at is not None]
    if not fired:
        return ""
    last = max(fired, key=lambda lv: (lv.fired_at or now, lv.position))
    assert last.fired_at is not None
    agreement = request.sla_agreement
    calendar = (
        calendar_for(agreement, request, now=now)
        if agreement is not None
        else CalendarSpec(time_zone=settings.TIME_ZONE, always_open=True)
    )
    until = add_business_time(
        last.fired_at, timedelta(minutes=last.response_window_minutes), calendar
    )
    if until <= now:
        return ""
    return (
        f"Level {last.position} ({last.name}) was told on {_when(last.fired_at)}; they have "
        f"until {_when(until)} to answer. You can escalate again from then if nobody has."
    )

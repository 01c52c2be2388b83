"""Reads: which policy covers a request, its levels, and whether its requester may escalate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from staffdesk.escalation.models import Escalation, Level, Policy
from staffdesk.escalation.triggers import Rule
from staffdesk.requests.models import Request
from staffdesk.requests.selectors import is_requester_side


def level_rule(level: Level) -> Rule:
    return Rule(
        level_id=level.pk,
        position=level.position,
        trigger=level.trigger,
        clock=level.clock,
        share_percent=level.share_percent,
        business_minutes=level.business_minutes,
    )


def policy_levels(*, service_id: int, department_id: int) -> list[Level]:
    """The levels in force for a service: its own active policy, else its department's."""
    policies = Policy.objects.filter(is_active=True).filter(
        Q(service_id=service_id) | Q(department_id=department_id, service__isnull=True)
    )
    chosen = min(policies, key=lambda p: p.service_id is None, default=None)
    if chosen is None:
        return []
    return list(chosen.levels.select_related("notify_person__manager").order_by("position"))


class PolicyCache:
    """`policy_levels` memoized for the length of one tick."""

    def __init__(self) -> None:
        self._levels: dict[tuple[int, int], list[Level]] = {}

    def levels(self, request: Request) -> list[Level]:
        key = (request.service_id, request.department_id)
        if key not in self._levels:
            self._levels[key] = policy_levels(
                service_id=request.service_id, department_id=request.department_id
            )
        return self._levels[key]


def fired_level_ids(request_ids: list[int]) -> dict[int, set[int]]:
    fired: dict[int, set[int]] = {pk: set() for pk in request_ids}
    for request_id, level_id in Escalation.objects.filter(request_id__in=request_ids).values_list(
        "request_id", "level_id"
    ):
        fired[request_id].add(level_id)
    return fired


def escalation_list(*, user, request: Request) -> list[Escalation]:
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
    level: Level | None
    reason: str  # why not, in words ("" when allowed)


def promise_broken(request: Request, *, now: datetime) -> bool:
    """The response target passed without a response, or the resolution target was breached."""
    response_late = (
        request.response_due_at is not None
        and request.response_due_at <= now
        and request.response_state in ("running", "at_risk", "breached")
    )
    resolution_late = request.resolution_state == "breached" or (
        request.resolution_state in ("running", "at_risk")
        and request.resolution_due_at is not None
        and request.resolution_due_at <= now
    )
    return response_late or resolution_late


def requester_escalation(*, user, request: Request, now: datetime) -> RequesterEscalation:
    def refuse(reason: str) -> RequesterEscalation:
        return RequesterEscalation(False, None, reason)

    if not is_requester_side(user, request):
        return refuse("Only the requester, or the person it was filed for, can escalate.")
    if not request.is_open:
        return refuse(f"{request.number} is {request.get_status_display().lower()}.")
    levels = policy_levels(service_id=request.service_id, department_id=request.department_id)
    if not levels:
        return refuse(f"{request.department.name} has no escalation policy for this service.")
    if not promise_broken(request, now=now):
        return refuse(
            "You can escalate once the first-response target has passed without an answer, "
            "or once the resolution target is breached."
        )
    fired = fired_level_ids([request.pk])[request.pk]
    level = next((lv for lv in levels if lv.pk not in fired), None)
    if level is None:
        return refuse("Every escalation level has been reached already.")
    return RequesterEscalation(True, level, "")

"""The stored SLA fields of a request: computed from the timeline, refreshed on every change.

The fields on `Request` (due times, states, elapsed and paused seconds, `next_check_at`)
are a cache of `clocks.sla_state`; `sla_refresh` rewrites them, `sla-rebuild` checks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from staffdesk.requests.models import SLA_NEVER, Request, RequestEvent
from staffdesk.requests.sla.clocks import Rules, SlaState, Step, Targets, sla_state
from staffdesk.sla.businesstime import CalendarSpec
from staffdesk.sla.calendars import calendar_spec
from staffdesk.sla.models import Agreement

# The stored fields, in the order `snapshot` returns them.
STORED_FIELDS = (
    "response_due_at",
    "response_state",
    "resolution_due_at",
    "resolution_state",
    "sla_elapsed_seconds",  # up to the last status change; see SlaState.settled_elapsed
    "sla_paused_seconds",
    "sla_settled_at",
    "sla_due_at",
    "next_check_at",
)


@dataclass(frozen=True)
class SlaInputs:
    """Everything the clocks need besides the timeline and `now`."""

    targets: Targets
    rules: Rules
    agreement: Agreement


def inputs_for(request: Request) -> SlaInputs | None:
    """The agreement's targets for the request's current priority (None: no agreement applies).

    A priority change re-targets the clocks from the original start.
    """
    agreement = request.sla_agreement
    if agreement is None:
        return None
    target = next((t for t in agreement.targets.all() if t.priority == request.priority), None)
    if target is None:
        return None
    rules = Rules(
        at_risk_share=float(agreement.at_risk_share),
        pausing_statuses=frozenset(agreement.pausing_statuses),
    )
    return SlaInputs(
        targets=Targets(
            response=timedelta(minutes=target.first_response_minutes),
            resolution=timedelta(minutes=target.resolution_minutes),
        ),
        rules=rules,
        agreement=agreement,
    )


STEP_KINDS = (RequestEvent.Kind.STATUS, RequestEvent.Kind.REPLY)


def step_from_event(kind: str, at: datetime, data: dict) -> Step:
    by_team = bool(data.get("by_team"))
    if kind == RequestEvent.Kind.STATUS:
        return Step(
            at=at,
            to_status=data.get("to", ""),
            first_response=by_team and data.get("from") == "new",
            by_team=by_team,
        )
    return Step(at=at, first_response=by_team, by_team=by_team)


def steps_for(request: Request) -> list[Step]:
    """The timeline facts that move clocks: status changes and the team's first answers."""
    return steps_for_many([request.pk])[request.pk]


def steps_for_many(request_ids: Iterable[int]) -> dict[int, list[Step]]:
    """`steps_for` of several requests in one query."""
    steps: dict[int, list[Step]] = {pk: [] for pk in request_ids}
    events = (
        RequestEvent.objects.filter(request_id__in=list(steps), kind__in=STEP_KINDS)
        .order_by("created_at", "id")
        .values_list("request_id", "kind", "created_at", "data")
    )
    for request_id, kind, at, data in events:
        steps[request_id].append(step_from_event(kind, at, data))
    return steps


def calendar_for(agreement: Agreement, request: Request, *, now: datetime) -> CalendarSpec:
    return calendar_spec(
        agreement.calendar,
        years=range(request.created_at.year - 1, max(now.year, request.created_at.year) + 3),
    )


def compute(
    request: Request,
    *,
    now: datetime,
    steps: Sequence[Step] | None = None,
    calendar: CalendarSpec | None = None,
) -> SlaState | None:
    """The request's SLA state at `now`, without the explanation (the stored fields and the
    escalation triggers read only the clocks); `steps` and `calendar` (`calendar_for`) when
    the caller has them already."""
    sla = inputs_for(request)
    if sla is None:
        return None
    if calendar is None:
        calendar = calendar_for(sla.agreement, request, now=now)
    return sla_state(
        opened_at=request.created_at,
        steps=steps_for(request) if steps is None else steps,
        targets=sla.targets,
        rules=sla.rules,
        calendar=calendar,
        now=now,
    )


def snapshot(request: Request) -> tuple:
    return tuple(getattr(request, name) for name in STORED_FIELDS)


def apply(request: Request, state: SlaState | None) -> None:
    """Write a computed state into the request's cache fields (not saved)."""
    if state is None:
        for name in STORED_FIELDS:
            setattr(
                request,
                name,
                None if name.endswith("_at") else ("" if name.endswith("_state") else 0),
            )
        request.sla_due_at = SLA_NEVER
        return
    request.response_due_at = state.response.due_at
    request.response_state = state.response.state.value
    request.resolution_due_at = state.resolution.due_at
    request.resolution_state = state.resolution.state.value
    request.sla_elapsed_seconds = int(state.settled_elapsed.total_seconds())
    request.sla_paused_seconds = int(state.settled_paused.total_seconds())
    request.sla_settled_at = state.settled_at
    pending = [
        clock.due_at
        for clock in (state.response, state.resolution)
        if clock.ticking and clock.due_at is not None
    ]
    request.sla_due_at = min(pending) if pending else SLA_NEVER
    request.next_check_at = state.next_check_at


def sla_fill_new(*, request: Request, now: datetime) -> None:
    """Fill the stored fields of a request about to be inserted, as `sla_refresh` would
    right after: at filing its timeline holds no step that moves a clock (a status change
    or a reply), so the state needs no query and the insert no UPDATE after it."""
    apply(request, compute(request, now=now, steps=()))
    request.next_escalation_at = now  # a new request is a timeline change (sla_refresh)


def sla_refresh(*, request: Request, now: datetime, timeline_moved: bool = True) -> bool:
    """Recompute and store the request's SLA fields; True when anything changed.

    `timeline_moved` (every caller but the SLA tick) also asks the escalation tick to look
    at the request again at `now`: a status change, a team reply or a priority change can
    move or cancel its escalation triggers, which only the escalation layer knows.
    """
    before = snapshot(request)
    apply(request, compute(request, now=now))
    changes = {}
    if snapshot(request) != before:
        changes = {name: getattr(request, name) for name in STORED_FIELDS}
    if timeline_moved and request.next_escalation_at != now:
        request.next_escalation_at = now
        changes["next_escalation_at"] = now
    if changes:
        Request.objects.filter(pk=request.pk).update(**changes)
    return snapshot(request) != before

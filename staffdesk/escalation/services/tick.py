"""The escalation tick: evaluate the requests whose `next_escalation_at` has passed."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.claims import process_due
from staffdesk.directory.models import Department
from staffdesk.escalation.selectors import PolicyCache, fired_level_ids
from staffdesk.escalation.services.firing import Firing
from staffdesk.escalation.triggers import Situation, plan, silent_since
from staffdesk.requests.models import Request
from staffdesk.requests.sla.clocks import Rules, Step
from staffdesk.requests.sla.store import calendar_for, compute, steps_for_many
from staffdesk.sla.businesstime import CalendarSpec
from staffdesk.sla.models import Agreement


def situation_for(request: Request, steps: list[Step], *, now: datetime) -> Situation:
    agreement = request.sla_agreement
    sla_calendar = calendar_for(agreement, request, now=now) if agreement else None
    pausing = frozenset(agreement.pausing_statuses) if agreement else Rules().pausing_statuses
    return Situation(
        sla=compute(request, now=now, steps=steps, calendar=sla_calendar),
        sla_calendar=sla_calendar,
        activity_calendar=sla_calendar or _around_the_clock(),
        last_team_activity=silent_since(
            opened_at=request.created_at, steps=steps, pausing=pausing, now=now
        ),
        is_open=request.is_open,
        is_paused=request.status in pausing,
    )


def _around_the_clock() -> CalendarSpec:
    return CalendarSpec(time_zone=settings.TIME_ZONE, always_open=True)


class Around:
    """What evaluating a request reads besides its row, for the length of one tick: its
    service (point person, backup), department (lead and their manager) and agreement
    (calendar, targets). A tick's requests share a few hundred of these; building them for
    every row through `select_related` cost three times as much as the rows themselves."""

    def __init__(self) -> None:
        self.services: dict[int, Service] = {}
        self.departments: dict[int, Department] = {}
        self.agreements: dict[int, Agreement] = {}

    def attach(self, batch: list[Request]) -> None:
        _read(
            self.services,
            {request.service_id for request in batch},
            Service.objects.select_related("point_person", "backup"),
        )
        _read(
            self.departments,
            {request.department_id for request in batch},
            Department.objects.select_related("lead__manager"),
        )
        _read(
            self.agreements,
            {request.sla_agreement_id for request in batch} - {None},
            Agreement.objects.select_related("calendar").prefetch_related("targets"),
        )
        for request in batch:
            request.service = self.services[request.service_id]
            request.department = self.departments[request.department_id]
            if request.sla_agreement_id is not None:
                request.sla_agreement = self.agreements[request.sla_agreement_id]


def _read(known: dict, wanted: AbstractSet[int | None], queryset: QuerySet) -> None:
    missing = wanted - known.keys()
    if missing:
        known.update((row.pk, row) for row in queryset.filter(pk__in=missing))


def escalation_tick(*, now: datetime | None = None, batch_size: int = 250) -> int:
    """Fire every level that is due; returns how many fired.

    Requests are claimed in batches by `core.claims.process_due` through the partial index
    on `next_escalation_at` (an idle tick is one index probe), with `SKIP LOCKED` on
    PostgreSQL so several workers share the work. Each batch is one transaction: its levels,
    their timeline entries, notifications and ledger rows commit together or not at all,
    and the ledger's unique constraint stops a step from firing twice. A tick after an outage fires each overdue level once.
    """
    moment = clock.resolve(now)
    policies = PolicyCache()
    around = Around()
    again: set[int] = set()  # changed by an action: evaluated on the next tick
    fired = 0

    def evaluate(claimed: list[int]) -> None:
        nonlocal fired
        batch = list(
            Request.objects.filter(pk__in=claimed)
            .defer("description", "answers")  # long text and JSON nobody reads here
            .order_by("next_escalation_at", "pk")
        )
        around.attach(batch)
        fired += _evaluate(batch, now=moment, policies=policies, again=again)

    process_due(
        Request,
        "next_escalation_at",
        now=moment,
        batch_size=batch_size,
        skip=again,
        process=evaluate,
    )
    return fired


def escalation_evaluate(*, request: Request, now: datetime) -> int:
    """Fire the levels of one request that are due at `now`, in the caller's transaction and
    without claiming it: for a history written in one transaction (the demo), level by
    level at the instant each fell due, as a worker running all along would have."""
    batch = list(Request.objects.filter(pk=request.pk).defer("description", "answers"))
    around = Around()
    around.attach(batch)
    return _evaluate(batch, now=now, policies=PolicyCache(), again=set())


def _evaluate(
    batch: list[Request], *, now: datetime, policies: PolicyCache, again: set[int]
) -> int:
    ids = [request.pk for request in batch]
    steps = steps_for_many(ids)
    fired = fired_level_ids(ids)
    firing = Firing(now=now)
    for request in batch:
        covering = policies.covering(request)
        request.next_escalation_at = None
        if not covering.levels or not request.is_open:
            continue
        todo = plan(
            covering.rules,
            fired=fired[request.pk],
            situation=situation_for(request, steps[request.pk], now=now),
            now=now,
        )
        changed = False
        for rule in todo.fire:
            changed |= firing.fire(request, covering.levels[rule.level_id])
        if changed:
            request.next_escalation_at = now
            again.add(request.pk)
        else:
            request.next_escalation_at = todo.next_at
    count = firing.flush()
    _reschedule(batch)
    return count


def _reschedule(batch: list[Request]) -> None:
    """Store each request's `next_escalation_at`: one prepared UPDATE run for every row.

    `bulk_update` builds a CASE of one WHEN per row through the ORM, which cost more than
    evaluating the requests did (`make bench`, 10,000 due requests).
    """
    table = connection.ops.quote_name(Request._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET next_escalation_at = %s WHERE id = %s",  # noqa: S608 - model table
            [(adapt(request.next_escalation_at), request.pk) for request in batch],
        )

"""`staffdesk bench-seed` (bench/seed/), the benchmark dataset: a 1,000-request smoke run of the
real command."""

from __future__ import annotations

from collections import Counter, defaultdict
from copy import copy
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench.seed import (
    BENCH_AGENT,
    BENCH_SERVICE,
    PASSWORD,
    SEARCH_WORD,
    bench_seed,
)
from staffdesk.announcements.models import Acknowledgement, Announcement, Broadcast, Receipt
from staffdesk.announcements.selectors import audience_of
from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.escalation.models import Escalation, Level, Policy
from staffdesk.escalation.selectors import level_rule
from staffdesk.escalation.services import escalation_tick
from staffdesk.escalation.services.tick import situation_for
from staffdesk.escalation.triggers import rule_due_at
from staffdesk.feedback.models import Response, Suggestion
from staffdesk.requests.models import (
    OPEN_STATUSES,
    Request,
    RequestCounter,
    RequestEvent,
    Status,
)
from staffdesk.requests.sla.rebuild import sla_rebuild
from staffdesk.requests.sla.store import steps_for
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar

NOW = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)
SCALE = 0.02  # 600 people, 5 departments, 50 services


def fingerprint() -> list[tuple]:
    requests = list(
        Request.objects.order_by("number").values_list(
            "number",
            "subject",
            "description",
            "status",
            "priority",
            "requester__username",
            "assignee__username",
            "answers",
            "created_at",
            "updated_at",
            "closed_at",
            "response_due_at",
            "resolution_state",
            "next_escalation_at",
        )
    )
    events = [
        # Person ids differ between two databases; the names they point at must not.
        (*row[:-1], {key: value for key, value in row[-1].items() if key not in ("to", "assignee")})
        for row in RequestEvent.objects.order_by("request__number", "created_at", "id").values_list(
            "request__number", "kind", "actor__username", "created_at", "body", "data"
        )
    ]
    ledger = list(
        Escalation.objects.order_by("request__number", "fired_at", "level__position").values_list(
            "request__number", "level__position", "fired_at"
        )
    )
    news = list(
        Announcement.objects.order_by("published_at", "title", "id").values_list(
            "title", "department__code", "status", "published_at", "ack_required", "version"
        )
    )
    receipts = sorted(
        Receipt.objects.values_list(
            "announcement__title", "person__username", "viewed_at", "reminded_at"
        )
    )
    return requests + events + ledger + news + receipts


def wipe() -> None:
    # The suggestion box protects its departments, its responses' writers and merge targets.
    Response.objects.all().delete()
    Suggestion.objects.exclude(merged_into=None).delete()
    Suggestion.objects.all().delete()
    Announcement.objects.all().delete()
    Escalation.objects.all().delete()
    Level.objects.all().delete()
    Policy.objects.all().delete()
    RequestEvent.objects.all().delete()
    Request.objects.all().delete()
    RequestCounter.objects.all().delete()
    FormField.objects.all().delete()
    Service.objects.all().delete()
    Membership.objects.all().delete()
    AgreementTarget.objects.all().delete()
    Agreement.objects.all().delete()
    BusinessCalendar.objects.all().delete()
    Department.objects.update(lead=None)
    Person.objects.all().delete()
    Department.objects.all().delete()


def schema() -> list[tuple]:
    """The big tables' indexes, constraints and triggers, as the database describes them."""
    tables = ["requests_request", "requests_requestevent"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN (%s, %s) "
                "ORDER BY type, name",
                tables,
            )
            return cursor.fetchall()
        # Index names only: a rebuilt partial index's definition reads back with its casts
        # spelled differently (the same index).
        cursor.execute(
            "SELECT indexname, '' FROM pg_indexes WHERE tablename IN (%s, %s) "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text IN (%s, %s) ORDER BY 1, 2",
            tables * 2,
        )
        return cursor.fetchall()


def full_text_matches(word: str) -> list[int]:
    """SQLite: hits of `word` in each full-text table over requests (rebuilt after the load)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE "
            "'CREATE VIRTUAL TABLE%%' AND sql LIKE '%%content=''requests_request''%%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        hits = []
        for table in tables:
            sql = f'SELECT count(*) FROM "{table}" WHERE "{table}" MATCH %s'  # noqa: S608
            cursor.execute(sql, [word])
            hits.append(cursor.fetchone()[0])
        return hits


def test_bench_seed_makes_a_consistent_dataset(db):
    before = schema()
    out = StringIO()
    call_command("bench_seed", requests=1000, scale=SCALE, seed=3, stdout=out)
    assert "1,000 requests" in out.getvalue()
    # Indexes, constraints and triggers dropped for the load are all back, as they were.
    assert schema() == before
    assert all(full_text_matches(SEARCH_WORD))

    assert Department.objects.count() == 5
    assert Person.objects.count() == 600
    assert Service.objects.count() == 50
    assert Request.objects.count() == 1000
    agent = Person.objects.get(username=BENCH_AGENT)
    assert agent.check_password(PASSWORD)
    assert Membership.objects.filter(person=agent, department__code="IT").exists()
    assert FormField.objects.filter(service__code=BENCH_SERVICE).count() == 3

    # Numbers are gap-free per department and the counters hold the last one.
    sequences = defaultdict(list)
    for department, code, sequence, number in Request.objects.values_list(
        "department_id", "department__code", "sequence", "number"
    ):
        assert number == f"{code}-{sequence:06d}"
        sequences[department].append(sequence)
    counters = dict(RequestCounter.objects.values_list("department_id", "last_number"))
    for department, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert counters[department] == len(numbers)

    # Rows as the filing service writes them.
    # (The follow-ups of low satisfaction ratings add a note: bench/seed/feedback.py.)
    events_per_request = Counter(
        RequestEvent.objects.exclude(kind="escalation")
        .exclude(kind="note", body__startswith="Follow-up of ")
        .values_list("request_id", flat=True)
    )
    assert set(events_per_request.values()) <= {3, 4, 5}
    open_count = 0
    for request in Request.objects.select_related("service", "requester"):
        assert request.requester_department_id == request.requester.department_id
        assert request.confidential == request.service.confidential
        assert request.assignee_id == request.service.point_person_id
        assert request.created_at <= request.updated_at <= NOW.replace(year=2100)
        assert (request.closed_at is not None) == (
            request.status in (Status.CLOSED, Status.CANCELLED)
        )
        open_count += request.status in OPEN_STATUSES
    assert 50 <= open_count <= 200  # about 10 %

    # Each timeline starts with "created" and routing, and its status moves end in the status.
    last_status = {}
    first_kinds = defaultdict(list)
    for request_id, kind, data in RequestEvent.objects.order_by("created_at", "id").values_list(
        "request_id", "kind", "data"
    ):
        first_kinds[request_id].append(kind)
        if kind == RequestEvent.Kind.STATUS:
            last_status[request_id] = data["to"]
    assert all(kinds[:2] == ["created", "assignment"] for kinds in first_kinds.values())
    statuses = dict(Request.objects.values_list("id", "status"))
    for request_id, status in statuses.items():
        assert last_status.get(request_id, Status.NEW) == status

    # Announcements as their services write them: receipts only from the audience that
    # `audience_of` names, no acknowledgement without its receipt, every publication's
    # fan-out done (a scheduled one's due at its time), nothing left due.
    assert Announcement.objects.count() == 20
    assert Announcement.objects.filter(status="published", ack_required=True).exists()
    for announcement in Announcement.objects.all():
        audience = set(audience_of(announcement).values_list("pk", flat=True))
        receipts = Receipt.objects.filter(announcement=announcement)
        assert set(receipts.values_list("person_id", flat=True)) <= audience
        viewed = set(receipts.filter(viewed_at__isnull=False).values_list("person_id", flat=True))
        acknowledged = Acknowledgement.objects.filter(announcement=announcement)
        assert set(acknowledged.values_list("person_id", flat=True)) <= viewed
        assert all(
            version <= announcement.version
            for version in acknowledged.values_list("version", flat=True)
        )
        broadcasts = list(Broadcast.objects.filter(announcement=announcement))
        if announcement.status in ("published", "archived"):
            [done] = broadcasts
            assert done.finished_at is not None and done.due_at is None
            assert done.notified == len(audience)
        elif announcement.status == "scheduled":
            [due] = broadcasts
            assert due.due_at == announcement.publish_at > timezone.now() + timedelta(days=300)
        else:
            assert broadcasts == []
    assert Receipt.objects.exists()

    with pytest.raises(CommandError, match="already has departments"):
        call_command("bench_seed", requests=10, scale=SCALE, stdout=StringIO())


def test_bench_seed_is_deterministic(db):
    bench_seed(requests=300, seed=5, scale=SCALE, now=NOW)
    first = fingerprint()
    wipe()
    # The clocks computed by two worker processes instead of this one: the same rows.
    bench_seed(requests=300, seed=5, scale=SCALE, now=NOW, workers=2)
    assert fingerprint() == first
    wipe()
    bench_seed(requests=300, seed=6, scale=SCALE, now=NOW)
    assert fingerprint() != first


def test_bench_seed_clocks_and_escalations_are_what_the_services_compute(db):
    """The stored SLA fields are the clocks' own; each ledger row fired at the first instant
    its level was due; the real tick finds nothing due and nothing left to fire at the end."""
    bench_seed(requests=1000, seed=7, scale=SCALE, now=NOW)
    end = NOW.replace(hour=0, minute=0)
    calendar = BusinessCalendar.objects.get()
    assert (calendar.time_zone, calendar.holiday_country, calendar.holiday_subdivision) == (
        "America/New_York",
        "US",
        "PA",
    )
    agreements = dict(Agreement.objects.values_list("provider_id", "pk"))
    assert set(agreements) == set(Department.objects.values_list("pk", flat=True))
    for department, agreement in Request.objects.values_list("department_id", "sla_agreement_id"):
        assert agreements[department] == agreement
    assert Level.objects.count() == 4 * Department.objects.count()

    assert sla_rebuild(now=end, write=False).changed == []
    assert Request.objects.filter(next_check_at__lte=end).count() == 0
    assert Request.objects.filter(next_escalation_at__lte=end).count() == 0
    assert Request.objects.filter(next_escalation_at__isnull=False).exists()
    assert Escalation.objects.count() > 50

    # Each ledger row has its timeline entry, and was due then but not a second before
    # (unless that was when the tick first looked at the request).
    adopted = Policy.objects.values_list("created_at", flat=True).first()
    entries = {
        (request_id, data["level"], at)
        for request_id, data, at in RequestEvent.objects.filter(kind="escalation").values_list(
            "request_id", "data", "created_at"
        )
    }
    ledger = Escalation.objects.select_related("request__sla_agreement__calendar", "level")
    assert {(e.request_id, e.level.position, e.fired_at) for e in ledger} == entries
    for escalation in ledger:
        request, rule = escalation.request, level_rule(escalation.level)
        steps = steps_for(request)
        looked_at = first_look(request, adopted)
        assert looked_at is not None and escalation.fired_at >= looked_at, escalation
        due = rule_due_at(
            rule, situation_then(request, steps, escalation.fired_at), now=escalation.fired_at
        )
        assert due is not None and due <= escalation.fired_at, escalation
        if escalation.fired_at > looked_at:
            second = escalation.fired_at - timedelta(seconds=1)
            before = rule_due_at(rule, situation_then(request, steps, second), now=second)
            assert before is None or before > second, escalation

    # The tick, made to look at every request it has seen since the policies came, fires
    # nothing and schedules each one where the seed did.
    over_before = RequestEvent.objects.filter(
        kind="status", created_at__lte=adopted, data__to__in=["resolved", "closed", "cancelled"]
    ).values("request_id")
    looked = list(Request.objects.exclude(pk__in=over_before).values_list("pk", flat=True))
    seeded = dict(Request.objects.filter(pk__in=looked).values_list("pk", "next_escalation_at"))
    Request.objects.filter(pk__in=looked).update(next_escalation_at=end)
    assert escalation_tick(now=end) == 0
    assert (
        dict(Request.objects.filter(pk__in=looked).values_list("pk", "next_escalation_at"))
        == seeded
    )


def first_look(request: Request, adopted: datetime) -> datetime | None:
    """When the tick first looked at the request under a policy: at the policies' adoption
    (which put the open requests in its index), or when it was filed after that."""
    if request.created_at >= adopted:
        return request.created_at
    ended = request.events.filter(
        kind="status", created_at__lte=adopted, data__to__in=["resolved", "closed", "cancelled"]
    )
    return None if ended.exists() else adopted


def situation_then(request: Request, steps, moment: datetime):
    """The request as the tick saw it at `moment`: its status then, its timeline up to then."""
    status = Status.NEW
    for step in steps:
        if step.at <= moment and step.to_status:
            status = step.to_status
    then = copy(request)
    then.status = status
    return situation_for(then, steps, now=moment)

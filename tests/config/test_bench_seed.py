"""`staffdesk bench-seed`, the benchmark dataset: a 1,000-request smoke run of the real command."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from staffdesk.catalog.models import FormField, Service
from staffdesk.config.benchseed import BENCH_AGENT, BENCH_SERVICE, PASSWORD, bench_seed
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.requests.models import (
    OPEN_STATUSES,
    Request,
    RequestCounter,
    RequestEvent,
    Status,
)

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
        )
    )
    events = [
        # Person ids differ between two databases; the names they point at must not.
        (*row[:-1], {key: value for key, value in row[-1].items() if key not in ("to", "assignee")})
        for row in RequestEvent.objects.order_by("request__number", "created_at", "id").values_list(
            "request__number", "kind", "actor__username", "created_at", "body", "data"
        )
    ]
    return requests + events


def wipe() -> None:
    RequestEvent.objects.all().delete()
    Request.objects.all().delete()
    RequestCounter.objects.all().delete()
    FormField.objects.all().delete()
    Service.objects.all().delete()
    Membership.objects.all().delete()
    Department.objects.update(lead=None)
    Person.objects.all().delete()
    Department.objects.all().delete()


def test_bench_seed_makes_a_consistent_dataset(db):
    out = StringIO()
    call_command("bench_seed", requests=1000, scale=SCALE, seed=3, stdout=out)
    assert "1,000 requests" in out.getvalue()

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
    events_per_request = Counter(RequestEvent.objects.values_list("request_id", flat=True))
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

    with pytest.raises(CommandError, match="already has departments"):
        call_command("bench_seed", requests=10, scale=SCALE, stdout=StringIO())


def test_bench_seed_is_deterministic(db):
    bench_seed(requests=300, seed=5, scale=SCALE, now=NOW)
    first = fingerprint()
    wipe()
    bench_seed(requests=300, seed=5, scale=SCALE, now=NOW)
    assert fingerprint() == first
    wipe()
    bench_seed(requests=300, seed=6, scale=SCALE, now=NOW)
    assert fingerprint() != first

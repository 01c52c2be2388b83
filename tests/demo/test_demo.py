"""`staffdesk demo`: a consistent, deterministic demo city built through the real services."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone

from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.escalation.models import Escalation, Policy
from staffdesk.escalation.selectors import requester_escalation
from staffdesk.escalation.services import escalation_tick
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request, RequestEvent, Status, Watcher
from tests.factories import DepartmentFactory

PASSWORD = "staffdesk-demo"
CORE_DEPARTMENTS = {"HR", "IT", "FIN", "PROC", "FAC", "LAW", "FLEET", "WATER"}


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Request.objects.order_by("number").values_list(
            "number", "subject", "status", "priority", "requester__username", "assignee__username"
        )
    )


def test_demo_builds_a_consistent_city(db):
    started = timezone.now()
    output = run_demo()

    departments = Department.objects.all()
    assert len(departments) >= 8
    assert {department.code for department in departments} >= CORE_DEPARTMENTS
    assert 55 <= Person.objects.count() <= 70
    for department in departments.filter(code__in=CORE_DEPARTMENTS):
        assert department.lead is not None
        assert Membership.objects.filter(
            department=department, person=department.lead, role=Membership.Role.LEAD
        ).exists()
        # Managers form a tree with the lead at the top.
        for person in department.people.exclude(pk=department.lead_id):
            chain, boss = [], person.manager
            while boss is not None and boss.department_id == department.pk:
                chain.append(boss.pk)
                assert len(chain) < 10, f"manager loop above {person}"
                if boss.pk == department.lead_id:
                    break
                boss = boss.manager
            assert chain and chain[-1] == department.lead_id, (
                f"{person} does not report up to the lead"
            )
    assert Person.objects.exclude(away_until=None).exclude(delegate=None).count() >= 2
    assert all(person.email.endswith("@city.example") for person in Person.objects.all())
    history_start = (started - timedelta(days=91)).date()
    assert all(
        history_start - timedelta(days=20 * 366) <= person.start_date <= history_start
        for person in Person.objects.all()
    )

    services = Service.objects.all()
    assert 25 <= len(services) <= 35
    assert services.filter(fulfilment=Service.Fulfilment.INFORMATION).exists()
    assert services.filter(department__code="HR", confidential=True).count() >= 2
    assert services.filter(department__code="LAW", confidential=True).exists()
    assert set(FormField.objects.values_list("datatype", flat=True)) == set(
        FormField.Datatype.values
    )
    for service in services.select_related("point_person", "backup"):
        team = set(service.department.memberships.values_list("person_id", flat=True))
        assert {service.point_person_id, service.backup_id} <= team, service.code

    requests = Request.objects.select_related("service", "department")
    assert 180 <= len(requests) <= 220
    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    assert requests.exclude(on_behalf_of=None).exists()
    assert requests.filter(confidential=True).exists()
    assert len(set(requests.values_list("priority", flat=True))) >= 3
    assert Watcher.objects.exists()
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.REPLY, is_internal=False).exists()
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.NOTE, is_internal=True).exists()

    sequences = defaultdict(list)
    for request in requests:
        sequences[request.department.code].append(request.sequence)
        assert request.number == f"{request.department.code}-{request.sequence:06d}"
        # As of filing, by its requester: dates are judged against the moment of filing.
        answers_validate(
            fields=request.service.fields.all(),
            answers=request.answers,
            user=request.requester,
            now=request.created_at,
        )
        assert request.confidential == request.service.confidential
    for code, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), code

    # The history lies in the past 90 days, each timeline in order, numbers in filing order;
    # only the escalation tick run at the end, as a worker starting now would, acts at the
    # demo's present, and only as staffdesk (escalating, reassigning, raising priorities).
    finished = timezone.now()
    assert started - timedelta(days=91) <= min(r.created_at for r in requests)
    for request in requests:
        events = list(request.events.order_by("id").values_list("created_at", "actor", "kind"))
        moments = [moment for moment, _, _ in events]
        assert moments == sorted(moments) and moments[-1] < finished, request.number
        for moment, actor, kind in events:
            if moment >= started:
                assert actor is None and kind in ("escalation", "assignment", "priority")
    for code in sequences:
        by_number = list(requests.filter(department__code=code).order_by("sequence"))
        assert by_number == sorted(by_number, key=lambda r: r.created_at), code

    # Resolutions say what was done, most with one of the department's resolution codes.
    resolved = requests.filter(status__in=("resolved", "closed"), resolved_at__isnull=False)
    assert resolved.filter(resolution_code__department=F("department")).count() > 0
    reopened = RequestEvent.objects.filter(kind="status", data__reopened=True)
    assert reopened.filter(actor__isnull=False).exists()  # a requester said "not fixed"

    # Historical notifications are in-app only: nothing waits to be mailed.
    assert Notification.objects.exists()
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()

    for username in ("employee", "agent", "lead", "admin"):
        # With django-axes, authentication needs the request it is counted against.
        signing_in = RequestFactory().post("/signin/")
        assert authenticate(signing_in, username=username, password=PASSWORD), username
        assert username in output
    assert PASSWORD in output
    admin = Person.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert Service.objects.get(code="it-laptop").point_person.username == "agent"
    assert Department.objects.get(code="IT").lead.username == "lead"
    assert Person.objects.get(username="employee").department.code == "FIN"
    assert Request.objects.filter(requester__username="employee").count() >= 5


def test_the_same_seed_gives_the_same_city(transactional_db):
    # transactional_db: flush empties the database for real (PostgreSQL cannot TRUNCATE
    # inside the test's transaction).
    run_demo("--seed", "11")
    first = fingerprint()
    call_command("flush", interactive=False, verbosity=0)
    assert not Department.objects.exists()
    run_demo("--seed", "11")
    assert fingerprint() == first
    call_command("flush", interactive=False, verbosity=0)
    run_demo("--seed", "12")
    assert fingerprint() != first


def test_if_empty_leaves_a_populated_database_alone(db):
    run_demo()
    before = (Person.objects.count(), Request.objects.count(), RequestEvent.objects.count())
    output = run_demo("--if-empty")
    assert (Person.objects.count(), Request.objects.count(), RequestEvent.objects.count()) == before
    assert "employee" in output and PASSWORD in output
    with pytest.raises(CommandError, match="already has departments"):
        run_demo()
    assert Request.objects.count() == before[1]


def test_refuses_a_real_organization_and_shows_no_demo_sign_ins(db):
    DepartmentFactory(code="PARKS")
    with pytest.raises(CommandError, match="--if-empty"):
        run_demo()
    output = run_demo("--if-empty")
    assert PASSWORD not in output
    assert Department.objects.count() == 1


def test_a_failure_leaves_nothing_half_written(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("staffdesk.demo.services.history_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_demo()
    assert not Department.objects.exists()
    assert not Person.objects.exists()
    assert not Service.objects.exists()


def test_demo_escalations(db):
    """Every service team has a ladder, overdue requests climbed it, and the employee sign-in
    escalated one request and can escalate another."""
    run_demo()
    providers = set(Service.objects.values_list("department__code", flat=True))
    policies = Policy.objects.filter(is_active=True, service=None)
    assert set(policies.values_list("department__code", flat=True)) == providers
    for policy in policies:
        assert list(policy.levels.values_list("trigger", "clock")) == [
            ("share", "response"),
            ("breach", "response"),
            ("breach", "resolution"),
            ("after_breach", "resolution"),
            ("silence", "activity"),
        ]
    fired = Escalation.objects.filter(source=Escalation.Source.TRIGGER)
    assert set(fired.values_list("level__position", flat=True)) == {1, 2, 3, 4, 5}
    assert Escalation.objects.values("request").distinct().count() >= 10

    employee = Person.objects.get(username="employee")
    escalated = Escalation.objects.get(source=Escalation.Source.REQUESTER, actor=employee)
    assert escalated.reason and escalated.request.requester == employee
    assert escalated.request.resolution_state == "breached"
    event = RequestEvent.objects.get(request=escalated.request, kind="escalation", actor=employee)
    assert event.body == escalated.reason and not event.is_internal
    open_now = [
        requester_escalation(user=employee, request=request, now=timezone.now())
        for request in Request.objects.filter(requester=employee).select_related("department")
    ]
    assert any(option.allowed for option in open_now)


def test_the_demo_leaves_its_clocks_and_ladders_current(db):
    """Levels fired when they fell due during the history, not in a burst at the present:
    the worker's first tick has nothing to do and the queue does not read "Updated just now"
    for every late request."""
    started = timezone.now()
    run_demo()
    finished = timezone.now()
    assert not Request.objects.filter(next_escalation_at__lte=finished).exists()
    assert escalation_tick(now=finished) == 0
    fired = Escalation.objects.filter(source=Escalation.Source.TRIGGER)
    assert fired.count() >= 10
    assert not fired.filter(fired_at__gte=started).exists()
    touched_now = Request.objects.filter(updated_at__gte=started).count()
    assert touched_now == 0, f"{touched_now} requests were updated at the demo's present"

"""The benchmark organization: departments, people, service teams, services and their forms.

Written with `bulk_create` (tens of thousands of rows, a second or two); the rows are those
the directory and catalog services would write, minus their per-row checks.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from bench.seed import words
from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person

PASSWORD = "staffdesk-bench"  # noqa: S105 - the published password of every benchmark account
EMAIL_DOMAIN = "city.example"
BATCH = 5_000
SERVICES_PER_DEPARTMENT = 10
# Well-known accounts the benchmark signs in as.
BENCH_AGENT = "bench-agent"  # an agent of IT
BENCH_EMPLOYEE = "bench-employee"  # a Finance employee on no service team
# The service the create scenario files: IT's first service, which has a 3-field form.
BENCH_SERVICE = "it-laptop-or-desktop"

FORM_FIELDS = [
    dict(code="location", label="Where", datatype=FormField.Datatype.STRING, required=True),
    dict(
        code="category",
        label="What kind",
        datatype=FormField.Datatype.SINGLEVALUELIST,
        required=True,
        values=[
            {"key": "standard", "name": "Standard"},
            {"key": "urgent", "name": "Urgent"},
            {"key": "other", "name": "Something else"},
        ],
    ),
    dict(code="quantity", label="How many", datatype=FormField.Datatype.NUMBER, required=False),
]


@dataclass(frozen=True)
class ServicePlan:
    """What the request generator needs to know of one service."""

    id: int
    code: str
    name: str
    department_id: int
    department_code: str
    confidential: bool
    point_id: int
    point_name: str
    team_ids: frozenset[int]  # who works on its requests (`can_work_on`)
    answers: tuple[str, ...]  # JSON texts of plausible answers to its form
    weight: float


@dataclass(frozen=True)
class Organization:
    """The ids the request generator draws from."""

    department_ids: list[int]
    departments: list[Department]
    person_ids: list[int]
    person_department_ids: list[int | None]
    services: list[ServicePlan]
    service_rows: list[Service]  # with their department, point person and backup
    memberships: int


def _point_person(service: Service) -> Person:
    """Every seeded service has a point person."""
    assert service.point_person is not None
    return service.point_person


def _answer_texts(rng: random.Random, has_form: bool) -> tuple[str, ...]:
    if not has_form:
        return ("{}",)
    texts = []
    for _ in range(12):
        answers: dict[str, str | int] = {
            "location": f"{rng.choice(words.LOCATIONS)}, floor {rng.randint(0, 6)}",
            "category": rng.choice(["standard", "standard", "urgent", "other"]),
        }
        if rng.random() < 0.7:
            answers["quantity"] = rng.randint(1, 5)
        # json.dumps with its default separators is what JSONField stores.
        texts.append(json.dumps(answers))
    return tuple(texts)


def organization_create(
    *, rng: random.Random, people: int, departments: int, established_at: datetime, seed: int
) -> Organization:
    """Departments, `people` employees, a service team per department and its services."""
    specs = words.DEPARTMENTS[:departments]
    department_rows = Department.objects.bulk_create(
        [
            Department(code=code, name=name, created_at=established_at, updated_at=established_at)
            for code, name, _, _ in specs
        ]
    )
    # bulk_create sets primary keys on SQLite and PostgreSQL alike.
    headcount_weights = [spec[2] for spec in specs]
    password = make_password(PASSWORD, salt=f"benchseed{seed}")
    usernames: set[str] = set()
    person_rows: list[Person] = []
    start_floor = established_at.date() - timedelta(days=365 * 25)
    for index in range(people):
        if index == 0:
            department, first, last, username = department_rows[0], "Bench", "Agent", BENCH_AGENT
        elif index == 1 and len(department_rows) > 2:
            department, first, last = department_rows[2], "Bench", "Employee"
            username = BENCH_EMPLOYEE
        else:
            department = rng.choices(department_rows, weights=headcount_weights)[0]
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            username = f"{first}.{last}".lower()
            if username in usernames:
                username = f"{username}{index}"
        usernames.add(username)
        person_rows.append(
            Person(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{EMAIL_DOMAIN}",
                password=password,
                employee_id=f"E{index + 1:06d}",
                department=department,
                title=f"{department.name} {rng.choice(words.TITLES)}",
                start_date=start_floor + timedelta(days=rng.randrange(365 * 25)),
                date_joined=established_at,
            )
        )
    Person.objects.bulk_create(person_rows, batch_size=BATCH)
    staff: dict[int | None, list[Person]] = {department.pk: [] for department in department_rows}
    for person in person_rows:
        staff[person.department_id].append(person)

    # A service team per department: its lead and a few percent of its staff as agents.
    memberships: list[Membership] = []
    teams: dict[int, list[Person]] = {}
    for department in department_rows:
        # The benchmark's employee stays off every team; an empty department borrows one.
        people_here = [p for p in staff[department.pk] if p.username != BENCH_EMPLOYEE]
        people_here = people_here or person_rows[:1]
        size = min(len(people_here), max(3, len(people_here) // 30))
        team = people_here[:size]
        teams[department.pk] = team
        department.lead = team[-1]
        memberships += [
            Membership(
                person=person,
                department=department,
                role=Membership.Role.LEAD if person is team[-1] else Membership.Role.MEMBER,
                created_at=established_at,
                updated_at=established_at,
            )
            for person in team
        ]
    Department.objects.bulk_update(department_rows, ["lead"])
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    service_rows: list[Service] = []
    has_form: list[bool] = []
    weights: list[float] = []
    for department, (code, name, _, share) in zip(department_rows, specs, strict=True):
        names = words.SERVICES.get(code, words.GENERIC_SERVICES)[:SERVICES_PER_DEPARTMENT]
        team = teams[department.pk]
        for position, service_name in enumerate(names):
            service_code = f"{code.lower()}-{words.slug(service_name)}"
            service_rows.append(
                Service(
                    department=department,
                    code=service_code,
                    name=service_name,
                    description=f"{name}: {service_name.lower()}.",
                    group=name,
                    point_person=team[position % len(team)],
                    backup=team[(position + 1) % len(team)],
                    confidential=code in words.CONFIDENTIAL_DEPARTMENTS
                    or service_code in words.CONFIDENTIAL_SERVICES,
                    created_at=established_at,
                    updated_at=established_at,
                )
            )
            has_form.append(position % 2 == 0)
            # Within a department the first services are asked for most (1/rank).
            weights.append(share / (position + 1))
    Service.objects.bulk_create(service_rows, batch_size=BATCH)
    FormField.objects.bulk_create(
        [
            FormField(service=service, order=order, **field)
            for service, form in zip(service_rows, has_form, strict=True)
            if form
            for order, field in enumerate(FORM_FIELDS)
        ],
        batch_size=BATCH,
    )
    plans = [
        ServicePlan(
            id=service.pk,
            code=service.code,
            name=service.name,
            department_id=service.department_id,
            department_code=service.department.code,
            confidential=service.confidential,
            point_id=_point_person(service).pk,
            point_name=_point_person(service).display_name,
            team_ids=frozenset(person.pk for person in teams[service.department_id]),
            answers=_answer_texts(rng, form),
            weight=weight,
        )
        for service, form, weight in zip(service_rows, has_form, weights, strict=True)
    ]
    return Organization(
        department_ids=[department.pk for department in department_rows],
        departments=department_rows,
        person_ids=[person.pk for person in person_rows],
        person_department_ids=[person.department_id for person in person_rows],
        services=plans,
        service_rows=service_rows,
        memberships=len(memberships),
    )

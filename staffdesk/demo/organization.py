"""The demo city's departments, people and service teams, from `data/organization.toml`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from staffdesk.demo import data
from staffdesk.demo.data import PersonSpec
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.services import department_set_lead, membership_set


@dataclass
class Organization:
    """What the rest of the generator needs to know about the generated organization."""

    departments: dict[str, Department]
    people: dict[str, Person]
    team: dict[str, list[Person]]  # department code -> agents and lead


def organization_create(
    *, rng: random.Random, today: date, established_at: datetime
) -> Organization:
    """Departments, people with managers and start dates, service teams and their leads."""
    departments: dict[str, Department] = {}
    for code, name, parent in data.departments():
        departments[code] = Department.objects.create(
            code=code,
            name=name,
            parent=departments[parent] if parent else None,
            created_at=established_at,
            updated_at=established_at,
        )
    # Hash once: the default hasher is slow on purpose, and everyone shares the password.
    password = make_password(data.password())
    people_by_department = data.people()
    specs = [(code, spec) for code, specs in people_by_department.items() for spec in specs]
    starts = _start_dates(rng, today, specs, people_by_department)
    # Employee numbers grow with seniority, as they do where numbers are handed out in turn.
    seniority = sorted(range(len(specs)), key=lambda index: (starts[index], index))
    employee_ids = {
        index: f"E{10040 + rank * 7 + rng.randrange(7):05d}" for rank, index in enumerate(seniority)
    }
    people: dict[str, Person] = {}
    for index, (code, spec) in enumerate(specs):
        people[spec.username] = Person.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=_email(spec),
            password=password,
            employee_id=employee_ids[index],
            department=departments[code],
            title=spec.title,
            start_date=starts[index],
            date_joined=timezone.make_aware(datetime.combine(starts[index], time(9))),
            is_superuser=spec.superuser,
            is_staff=spec.superuser,
        )
    for _code, spec in specs:
        if spec.manager:
            people[spec.username].manager = people[spec.manager]
            people[spec.username].save(update_fields=["manager"])
    team: dict[str, list[Person]] = {}
    for code, department_specs in people_by_department.items():
        lead = people[department_specs[0].username]
        department_set_lead(department=departments[code], lead=lead)
        members = [people[spec.username] for spec in department_specs if spec.agent]
        for person in members:
            membership_set(person=person, department=departments[code], role=Membership.Role.MEMBER)
        if members:
            team[code] = [lead, *members]
    return Organization(departments=departments, people=people, team=team)


def _email(spec: PersonSpec) -> str:
    local = f"{spec.first_name}.{spec.last_name}".lower().replace("'", "").replace(" ", "")
    return f"{local}@{data.email_domain()}"


def _start_dates(
    rng: random.Random,
    today: date,
    specs: list[tuple[str, PersonSpec]],
    people_by_department: dict[str, list[PersonSpec]],
) -> list[date]:
    """Over the past 20 years, leads longer; nobody starts during the history's 90 days."""
    leads = {specs_of[0].username for specs_of in people_by_department.values()}
    starts = []
    for _code, spec in specs:
        low, high = (6, 20) if spec.username in leads else (0.3, 16)
        starts.append(today - timedelta(days=round(rng.uniform(low, high) * 365.25)))
    return starts

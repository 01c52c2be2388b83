"""The demo city's departments, people and service teams."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.services import department_set_lead, membership_set

PASSWORD = "staffdesk-demo"  # noqa: S105 - the published password of the demo accounts
EMAIL_DOMAIN = "city.example"

# code, name, parent code; parents come before their children.
DEPARTMENTS: list[tuple[str, str, str | None]] = [
    ("MAYOR", "Office of the Mayor", None),
    ("HR", "Human Resources", "MAYOR"),
    ("IT", "Information Technology", "MAYOR"),
    ("FIN", "Finance", "MAYOR"),
    ("PROC", "Procurement", "MAYOR"),
    ("LAW", "Law Department", "MAYOR"),
    ("PW", "Public Works", "MAYOR"),
    ("FAC", "Facilities", "PW"),
    ("FLEET", "Fleet Management", "PW"),
    ("WATER", "Water Department", "PW"),
]


@dataclass(frozen=True)
class PersonSpec:
    """One demo employee; the first of each department is its lead."""

    username: str
    first_name: str
    last_name: str
    title: str
    manager: str | None = None  # a username; a department lead's manager is outside it
    agent: bool = False  # on the department's service team
    superuser: bool = False


P = PersonSpec
PEOPLE: dict[str, list[PersonSpec]] = {
    "MAYOR": [
        P("dmorales", "Diana", "Morales", "Mayor"),
        P("tokafor", "Thomas", "Okafor", "City Administrator", "dmorales"),
        P("admin", "Grace", "Liu", "Service Excellence Manager", "tokafor", superuser=True),
        P("hbrennan", "Helen", "Brennan", "Executive Assistant to the Mayor", "dmorales"),
    ],
    "HR": [
        P("mjohnson", "Michelle", "Johnson", "Director of Human Resources", "tokafor"),
        P("cramirez", "Carlos", "Ramirez", "HR Business Partner", "mjohnson", agent=True),
        P("aosei", "Abena", "Osei", "Benefits Specialist", "mjohnson", agent=True),
        P("kpatel", "Kiran", "Patel", "Employee Relations Manager", "mjohnson", agent=True),
        P("lfischer", "Laura", "Fischer", "Recruiter", "cramirez", agent=True),
        P("jkim", "Jason", "Kim", "HR Generalist", "cramirez", agent=True),
        P("bwalker", "Brenda", "Walker", "Training Coordinator", "mjohnson", agent=True),
    ],
    "IT": [
        P("lead", "Marcus", "Webb", "Chief Information Officer", "tokafor"),
        P("dlee", "Daniel", "Lee", "IT Service Desk Manager", "lead", agent=True),
        P("ahassan", "Ahmed", "Hassan", "Infrastructure Manager", "lead", agent=True),
        P("agent", "Sofia", "Castillo", "Desktop Support Specialist", "dlee", agent=True),
        P("tbrooks", "Tyler", "Brooks", "Service Desk Analyst", "dlee", agent=True),
        P("mrossi", "Maria", "Rossi", "Service Desk Analyst", "dlee", agent=True),
        P("nbaptiste", "Nadia", "Baptiste", "Systems Administrator", "ahassan", agent=True),
        P("oschmidt", "Oliver", "Schmidt", "Network Engineer", "ahassan", agent=True),
        P("ktanaka", "Kenji", "Tanaka", "Application Analyst", "ahassan", agent=True),
    ],
    "FIN": [
        P("rchen", "Rebecca", "Chen", "Finance Director", "tokafor"),
        P("jobrien", "James", "O'Brien", "Accounts Payable Supervisor", "rchen", agent=True),
        P("employee", "Priya", "Natarajan", "Financial Analyst", "rchen"),
        P("lmartin", "Luis", "Martin", "Accounts Payable Specialist", "jobrien", agent=True),
        P("ewhite", "Emily", "White", "Accounts Payable Clerk", "jobrien", agent=True),
        P("tadeyemi", "Tunde", "Adeyemi", "Budget Analyst", "rchen", agent=True),
        P("hschultz", "Hannah", "Schultz", "Senior Accountant", "rchen"),
    ],
    "PROC": [
        P("pgreen", "Patricia", "Green", "Chief Procurement Officer", "tokafor"),
        P("mali", "Mohammed", "Ali", "Senior Buyer", "pgreen", agent=True),
        P("jnovak", "Julia", "Novak", "Buyer", "mali", agent=True),
        P("rsantos", "Rafael", "Santos", "Contracts Specialist", "pgreen", agent=True),
        P("kmurphy", "Kevin", "Murphy", "Procurement Assistant", "mali"),
    ],
    "LAW": [
        P("edavis", "Elizabeth", "Davis", "City Attorney", "tokafor"),
        P("rgoldberg", "Rachel", "Goldberg", "Deputy City Attorney", "edavis", agent=True),
        P("sowusu", "Samuel", "Owusu", "Assistant City Attorney", "rgoldberg", agent=True),
        P("mlopez", "Marisol", "Lopez", "Paralegal", "rgoldberg", agent=True),
        P("akhan", "Aisha", "Khan", "Public Records Officer", "edavis", agent=True),
    ],
    "PW": [
        P("rkowalski", "Robert", "Kowalski", "Director of Public Works", "tokafor"),
        P("snguyen", "Sarah", "Nguyen", "Public Works Administrative Manager", "rkowalski"),
    ],
    "FAC": [
        P("wjackson", "William", "Jackson", "Facilities Director", "rkowalski"),
        P("ahernandez", "Ana", "Hernandez", "Maintenance Supervisor", "wjackson", agent=True),
        P("dthompson", "Derek", "Thompson", "Maintenance Technician", "ahernandez", agent=True),
        P("lsilva", "Lucas", "Silva", "HVAC Technician", "ahernandez", agent=True),
        P("cevans", "Claire", "Evans", "Space Planner", "wjackson", agent=True),
        P(
            "fmiller",
            "Frank",
            "Miller",
            "Locksmith and Access Technician",
            "ahernandez",
            agent=True,
        ),
        P("jcole", "Janet", "Cole", "Custodial Supervisor", "wjackson"),
    ],
    "FLEET": [
        P("bcarter", "Brian", "Carter", "Fleet Manager", "rkowalski"),
        P("jgutierrez", "Jose", "Gutierrez", "Fleet Maintenance Supervisor", "bcarter", agent=True),
        P("tpetrov", "Tom", "Petrov", "Fleet Mechanic", "jgutierrez", agent=True),
        P("dyoung", "Dana", "Young", "Fleet Mechanic", "jgutierrez", agent=True),
        P("lbaker", "Lisa", "Baker", "Fleet Coordinator", "bcarter", agent=True),
        P("rsullivan", "Ray", "Sullivan", "Parts Clerk", "jgutierrez"),
    ],
    "WATER": [
        P("klindqvist", "Karen", "Lindqvist", "Water Director", "rkowalski"),
        P("pmensah", "Paul", "Mensah", "Distribution Superintendent", "klindqvist", agent=True),
        P("vpopescu", "Victor", "Popescu", "Utility Locator", "pmensah", agent=True),
        P("sreyes", "Sandra", "Reyes", "Water Quality Chemist", "klindqvist"),
        P("mdunn", "Mike", "Dunn", "Crew Leader", "pmensah"),
        P("hvega", "Hector", "Vega", "Utility Worker", "mdunn"),
        P("jwashington", "Jamal", "Washington", "Utility Worker", "mdunn"),
        P("emccarthy", "Erin", "McCarthy", "Meter Technician", "pmensah"),
        P("nvolkova", "Nina", "Volkova", "Customer Service Representative", "klindqvist"),
    ],
}

# Who is away at the end of the history, whose new work goes to whom, from how many working
# days before now until how many calendar days after it.
AWAY: list[tuple[str, str, int, int]] = [
    ("jkim", "bwalker", 4, 6),
    ("ktanaka", "nbaptiste", 2, 9),
]


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
    for code, name, parent in DEPARTMENTS:
        departments[code] = Department.objects.create(
            code=code,
            name=name,
            parent=departments[parent] if parent else None,
            created_at=established_at,
            updated_at=established_at,
        )
    # Hash once: the default hasher is slow on purpose, and everyone shares the password.
    password = make_password(PASSWORD)
    specs = [(code, spec) for code, specs in PEOPLE.items() for spec in specs]
    starts = _start_dates(rng, today, specs)
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
    for code, department_specs in PEOPLE.items():
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
    return f"{local}@{EMAIL_DOMAIN}"


def _start_dates(
    rng: random.Random, today: date, specs: list[tuple[str, PersonSpec]]
) -> list[date]:
    """Over the past 20 years, leads longer; nobody starts during the history's 90 days."""
    leads = {specs_of[0].username for specs_of in PEOPLE.values()}
    starts = []
    for _code, spec in specs:
        low, high = (6, 20) if spec.username in leads else (0.3, 16)
        starts.append(today - timedelta(days=round(rng.uniform(low, high) * 365.25)))
    return starts

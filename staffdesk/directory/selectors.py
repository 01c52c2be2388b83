"""Reads of the directory, always through each model's `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from staffdesk.core.compiled import Slots, run_compiled
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.directory.models import ApiToken, Department, Membership, Person
from staffdesk.directory.types import Viewer

_TEAM_CACHE = "_staffdesk_team_roles"


def team_roles(user: Viewer) -> dict[int, str]:
    """{department id: role} of the service teams the user belongs to, fetched once per user object."""
    if not (user and user.is_authenticated):
        return {}
    cached = getattr(user, _TEAM_CACHE, None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(person_id=user.pk).values_list("department_id", "role")
        )
        setattr(user, _TEAM_CACHE, cached)
    return cached


def remember_team_roles(user: Person, roles: dict[int, str]) -> None:
    """Give `team_roles` the user's teams without reading them (a stand-in viewer's)."""
    setattr(user, _TEAM_CACHE, roles)


def team_department_ids(user: Viewer) -> set[int]:
    return set(team_roles(user))


@dataclass(frozen=True)
class Team:
    """A service team someone is on: the department's code and their role on it."""

    department: str
    role: str


# A person's own memberships are always theirs to see (`Membership.visible_to` shows the
# memberships of active people, and whoever is signed in is active); one statement,
# compiled once, since `GET /me` runs it on every call.
def _teams(slots: Slots) -> QuerySet[Membership, tuple[str, str]]:
    return (
        Membership.objects.filter(person_id=slots.number("person_id"))
        .order_by("department__code")
        .values_list("department__code", "role")
    )


def my_teams(*, user: Person) -> list[Team]:
    """The service teams the signed-in person is on, by department code."""
    return [
        Team(department=code, role=role)
        for code, role in run_compiled("my-teams", _teams, {"person_id": user.pk})
    ]


@dataclass(frozen=True)
class Me:
    """The signed-in person with their teams: what `GET /me` shows."""

    person: Person
    teams: list[Team]

    def __getattr__(self, name: str) -> Any:
        # The person's own fields are read straight from the person.
        return getattr(self.person, name)


def me(*, user: Person) -> Me:
    """The signed-in person as loaded for this request (by the token check, with their
    department, or by the session), and their teams: one query."""
    return Me(person=user, teams=my_teams(user=user))


def active_team_members(*, department_id: int) -> QuerySet[Person]:
    """The active people on a department's service team: those routing may give its work to."""
    return Person.objects.filter(is_active=True, memberships__department_id=department_id)


def is_agent_of(user: Viewer, department_id: int) -> bool:
    return department_id in team_roles(user)


def is_lead_of(user: Viewer, department_id: int) -> bool:
    return team_roles(user).get(department_id) == Membership.Role.LEAD


def is_lead(user: Viewer) -> bool:
    return Membership.Role.LEAD in team_roles(user).values()


def is_org_admin(user: Viewer) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def department_list(*, user: Viewer) -> QuerySet[Department]:
    return Department.objects.visible_to(user).select_related("lead", "parent")


def access_department(*, user: Viewer, code: str) -> Department:
    department = department_list(user=user).filter(code=code.upper()).first()
    if department is None:
        raise NotFound(f"No department with code {code!r}.")
    return department


def person_list(*, user: Viewer, query: str = "", department_code: str = "") -> QuerySet[Person]:
    people = Person.objects.visible_to(user).select_related("department")
    for word in query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(title__icontains=word)
            | Q(employee_id__iexact=word)
        )
    if department_code:
        people = people.filter(department__code=department_code.upper())
    return people


def access_person(*, user: Viewer, person_id: int) -> Person:
    person = person_list(user=user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"No person with id {person_id}.")
    return person


def colleague_list(*, user: Viewer) -> QuerySet[Person]:
    """Active people of the user's department or on one of the user's service teams (not the user)."""
    if not (user and user.is_authenticated):
        return Person.objects.none()
    same_place = Q(memberships__department_id__in=team_department_ids(user))
    if user.department_id is not None:
        same_place |= Q(department_id=user.department_id)
    # The team condition joins memberships: collect ids in a subquery so nobody is listed twice.
    ids = Person.objects.filter(same_place).values("pk")
    return Person.objects.visible_to(user).filter(is_active=True, pk__in=ids).exclude(pk=user.pk)


def access_colleague(*, user: Viewer, person_id: int) -> Person:
    person = colleague_list(user=user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"No colleague with id {person_id}.")
    return person


def api_token_list(*, user: Viewer) -> QuerySet[ApiToken]:
    return ApiToken.objects.visible_to(user).active()


def person_find(*, user: Viewer, text: str) -> Person:
    """The one active person a typed name, username or email designates.

    An exact username or email wins; otherwise the words must match exactly one person, and
    the error lists a few candidates so the caller can be more specific.
    """
    text = text.strip()
    people = person_list(user=user).filter(is_active=True)
    exact = people.filter(Q(username__iexact=text) | Q(email__iexact=text)).first()
    if exact is not None:
        return exact
    matches = list(person_list(user=user, query=text).filter(is_active=True)[:4])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationFailed(
            f"Nobody matches {text!r}.", errors={"person": ["no active person matches"]}
        )
    names = ", ".join(f"{p.display_name} ({p.username})" for p in matches[:3])
    raise ValidationFailed(
        f"Several people match {text!r}: {names}; type a username or email.",
        errors={"person": [f"several match: {names}"]},
    )

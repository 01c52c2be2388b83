"""Acceptance 2: an announcement's audience is the organization as it is when read.

Who is in the audience is never written down per person, so a move between departments, a
new team member or a re-organized department shows at once on every surface: the detail
page, the list, the home page's news, the banner, the report and the fan-out.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffdesk.announcements.models import Announcement, AudienceRule, Role, audience_people
from staffdesk.announcements.models import audience_q as audience_of_reader
from staffdesk.announcements.selectors import announcement_list, news_for, receipt_report
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.services import membership_set
from tests.announcements.helpers import (
    NOTHING,
    SEES,
    announce,
    department,
    everyone,
    person,
    role,
    signed_in,
    team,
    told,
    what_they_see,
)
from tests.factories import DepartmentFactory, PersonFactory


def _fresh(someone: Person) -> Person:
    """The person as a new request reads them (their teams are cached per object)."""
    return Person.objects.get(pk=someone.pk)


def test_a_person_moved_to_finance_sees_its_news_at_once_and_the_one_who_left_does_not(
    client, org, fin_lead, published
):
    newcomer, leaver = org.unrelated, org.requester
    assert what_they_see(signed_in(client, newcomer), published) == NOTHING

    newcomer.department = org.fin
    newcomer.save(update_fields=["department"])
    leaver.department = org.water
    leaver.save(update_fields=["department"])

    assert what_they_see(signed_in(client, newcomer), published) == SEES
    assert what_they_see(signed_in(client, leaver), published) == NOTHING
    report = receipt_report(user=_fresh(fin_lead), announcement=published)
    assert [(row.department, row.audience) for row in report.rows] == [("Finance", 4)]
    assert {p.username for p in report.pending} == {"una", "colin", "ada", "fiona"}
    # The worker fans out to the audience of the moment it runs, too.
    announcements_tick()
    assert told(published) == ["ada", "colin", "fiona", "una"]


@pytest.fixture
def payroll(org):
    """Payroll, a division of Finance, and its desk, a section of Payroll."""
    division = DepartmentFactory(code="PAY", name="Payroll", parent=org.fin)
    section = DepartmentFactory(code="PAYDESK", name="Payroll desk", parent=division)
    PersonFactory(username="paula", department=division)
    PersonFactory(username="dan", department=section)
    return division


def _readers(announcement: Announcement) -> set[str]:
    """Who of the whole organization has it in their news."""
    return {
        someone.username
        for someone in Person.objects.filter(is_active=True)
        if announcement.pk in {a.pk for a in news_for(user=someone).items}
    }


def test_sub_departments_are_in_only_when_asked_for_and_follow_a_reorganization(
    org, fin_lead, payroll
):
    only_finance = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)])
    with_divisions = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.fin, with_subdepartments=True)]
    )
    finance = {"rita", "colin", "ada", "fiona"}

    assert _readers(only_finance) == finance
    assert _readers(with_divisions) == finance | {"paula", "dan"}

    payroll.parent = org.water
    payroll.save(update_fields=["parent"])
    assert _readers(with_divisions) == finance


def test_a_service_team_is_its_members_as_they_are_now(org):
    newcomer = PersonFactory(username="ivan", department=org.it)  # in IT, not on its team
    news = announce(by=org.it_lead, unit=org.it, audience=[team(org.it)])
    members = {"pete", "bea", "alex", "lee"}
    assert _readers(news) == members

    membership_set(person=org.requester, department=org.it, role=Membership.Role.MEMBER)
    membership_set(person=newcomer, department=org.it, role=Membership.Role.MEMBER)
    assert _readers(news) == members | {"rita", "ivan"}

    Membership.objects.filter(person=org.it_agent, department=org.it).delete()
    assert _readers(news) == members - {"alex"} | {"rita", "ivan"}
    assert news.pk not in {a.pk for a in announcement_list(user=_fresh(org.it_agent))}


@pytest.mark.parametrize(
    ("name", "holders"),
    [
        (Role.AGENTS, {"pete", "bea", "alex", "lee", "hana", "fiona"}),
        (Role.LEADS, {"lee", "fiona"}),
        (Role.ADMINS, {"ada"}),
    ],
)
def test_a_role_reaches_whoever_holds_it(org, fin_lead, name, holders):
    news = announce(by=org.admin, unit=org.fin, audience=[role(name)])
    assert _readers(news) == holders


def test_named_people_and_only_they_are_the_audience(org, fin_lead):
    news = announce(
        by=fin_lead, unit=org.fin, audience=[person(org.unrelated), person(org.hr_agent)]
    )
    assert _readers(news) == {"una", "hana"}
    assert news.pk not in {a.pk for a in announcement_list(user=_fresh(org.requester))}
    assert news.pk in {a.pk for a in announcement_list(user=_fresh(fin_lead))}  # its publisher


def test_the_parts_of_an_audience_add_up(org, fin_lead):
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.water), team(org.hr), person(org.it_point)],
    )
    assert _readers(news) == {"una", "hana", "pete"}
    assert _readers(announce(by=fin_lead, unit=org.fin, audience=[everyone()])) == {
        p.username for p in Person.objects.filter(is_active=True)
    }


# --- audience_people (who an announcement reaches) is the inverse of audience_q (what a
# reader sees), for every person of a small organization and any rules. ---------------------

DEPARTMENT_CODES = ["IT", "HR", "FIN", "WATER", "PAY", "PAYDESK"]
NAMED = ["rita", "una", "pete", "lee", "hana", "ada", "paula", "dan", "ivan", "nadia"]

# One audience part: (kind, department code / role / username, with sub-departments).
SINGLE_RULES = [
    (AudienceRule.Kind.EVERYONE, None, False),
    *[
        (AudienceRule.Kind.DEPARTMENT, code, sub)
        for code in DEPARTMENT_CODES
        for sub in (False, True)
    ],
    *[(AudienceRule.Kind.TEAM, code, False) for code in DEPARTMENT_CODES],
    *[(AudienceRule.Kind.ROLE, name, False) for name in Role.values],
    *[(AudienceRule.Kind.PERSON, username, False) for username in NAMED],
]
# Unions of a few parts (everyone is left out: it would make the rest of a union moot).
RULES = st.lists(st.sampled_from(SINGLE_RULES[1:]), min_size=2, max_size=4)


@pytest.fixture
def small_org(org, fin_lead, payroll):
    """The organization plus the odd cases: someone in IT off its team, someone with no
    department, Payroll's lead and desk agent, a former employee still on a team."""
    PersonFactory(username="ivan", department=org.it)
    PersonFactory(username="nadia", department=None)
    membership_set(
        person=Person.objects.get(username="paula"), department=payroll, role=Membership.Role.LEAD
    )
    membership_set(
        person=Person.objects.get(username="dan"),
        department=Department.objects.get(code="PAYDESK"),
        role=Membership.Role.MEMBER,
    )
    gone = PersonFactory(username="gus", department=org.water, is_active=False)
    membership_set(person=gone, department=org.water, role=Membership.Role.MEMBER)
    return {d.code: d for d in Department.objects.all()}


def _audience(value, units: dict[str, Department]):
    kind, target, with_subdepartments = value
    if kind == AudienceRule.Kind.EVERYONE:
        return everyone()
    if kind == AudienceRule.Kind.DEPARTMENT:
        return department(units[target], with_subdepartments=with_subdepartments)
    if kind == AudienceRule.Kind.TEAM:
        return team(units[target])
    if kind == AudienceRule.Kind.ROLE:
        return role(target)
    return person(Person.objects.get(username=target))


def _reached_and_readers(units: dict[str, Department], rules) -> tuple[set[str], set[str]]:
    """Who the stored rules reach, and who reads the announcement as theirs."""
    news = announce(
        by=Person.objects.get(username="ada"),
        unit=units["FIN"],
        audience=[_audience(value, units) for value in rules],
        publish=False,
    )
    stored = list(AudienceRule.objects.filter(announcement=news))
    reached = set(Person.objects.filter(audience_people(stored)).values_list("username", flat=True))
    readers = {
        reader.username
        for reader in Person.objects.all()
        if Announcement.objects.filter(audience_of_reader(reader), pk=news.pk).exists()
    }
    return reached, readers


def test_each_kind_of_audience_part_reaches_who_sees_it(small_org):
    for rule in SINGLE_RULES:
        reached, readers = _reached_and_readers(small_org, [rule])
        assert readers == reached, rule
        assert reached, rule  # every part of this organization reaches someone


@settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules=RULES)
def test_who_an_announcement_reaches_is_who_sees_it(small_org, rules):
    reached, readers = _reached_and_readers(small_org, rules)
    assert readers == reached, rules

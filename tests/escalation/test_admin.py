"""Policies and the ledger in Django admin: organization admins only, the ledger read-only."""

import pytest

from staffdesk.escalation.models import Escalation, Level, Policy
from staffdesk.escalation.services import escalation_tick, request_escalate
from staffdesk.requests.models import Request
from staffdesk.requests.services import request_submit
from tests.escalation.conftest import at, file_laptop
from tests.factories import LevelFactory, PolicyFactory


def _policy_form(org, **level) -> dict:
    form = {
        "name": "Information Technology escalation",
        "department": org.it.pk,
        "service": "",
        "is_active": "on",
        "levels-TOTAL_FORMS": "1",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-position": "1",
        "levels-0-name": "Department lead",
        "levels-0-notify_lead": "on",
    }
    form.update({f"levels-0-{key}": value for key, value in level.items()})
    return form


@pytest.mark.parametrize(
    "url",
    ["/admin/escalation/policy/", "/admin/escalation/policy/add/", "/admin/escalation/escalation/"],
)
def test_admin_pages_are_for_organization_admins(org, client, url):
    client.force_login(org.it_lead)
    assert client.get(url).status_code == 302  # to the admin sign-in
    client.force_login(org.admin)
    assert client.get(url).status_code == 200


def test_a_new_policy_applies_to_the_open_requests_from_the_next_tick(org, agreement, client):
    item = file_laptop(org, at(16, 17))
    escalation_tick(now=at(16, 17, 1))  # no policy yet: the request leaves the index
    assert Request.objects.get(pk=item.pk).next_escalation_at is None

    client.force_login(org.admin)
    form = _policy_form(org, trigger="breach", clock="response")
    response = client.post("/admin/escalation/policy/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Level.objects.values_list("name", flat=True)) == ["Department lead"]
    assert Request.objects.get(pk=item.pk).next_escalation_at is not None
    assert escalation_tick() == 1  # now: the response target was breached long ago


@pytest.mark.parametrize(
    ("level", "field", "message"),
    [
        ({"trigger": "share", "clock": "response"}, "share_percent", "from 1 to 100 %"),
        ({"trigger": "breach", "clock": "activity"}, "clock", "first response or resolution"),
        ({"trigger": "silence", "clock": "activity"}, "business_minutes", "business minutes"),
        ({"trigger": "silence", "clock": "response", "business_minutes": "60"}, "clock", "team"),
    ],
)
def test_inconsistent_levels_are_refused_field_by_field(org, client, level, field, message):
    client.force_login(org.admin)
    response = client.post("/admin/escalation/policy/add/", _policy_form(org, **level))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert message in " ".join(errors[field])
    assert not Policy.objects.exists()


def test_the_ledger_is_read_only_and_hides_confidential_cases(org, policy, client):
    item = file_laptop(org, at(16, 17))
    request_escalate(request=item, actor=org.requester, reason="Nothing yet.", now=at(17, 11))
    leave = request_submit(
        requester=org.requester, service=org.leave, answers={"reason": "Surgery"}, now=at(16, 9)
    )
    hr_policy = PolicyFactory(name="HR escalation", department=org.hr)
    LevelFactory(policy=hr_policy, name="Point person", silence=True, notify_point_person=True)
    escalation_tick(now=at(16, 11))
    assert Escalation.objects.filter(request=leave).exists()

    client.force_login(org.admin)
    listing = client.get("/admin/escalation/escalation/").content.decode()
    assert item.number in listing and leave.number not in listing
    entry = Escalation.objects.get(request=item)
    page = client.get(f"/admin/escalation/escalation/{entry.pk}/change/").content.decode()
    assert "Nothing yet." in page and 'name="_save"' not in page
    assert client.get("/admin/escalation/escalation/add/").status_code == 403


def test_a_second_department_policy_is_refused_on_the_department_field(org, client) -> None:
    PolicyFactory(name="IT escalation", department=org.it)
    client.force_login(org.admin)
    response = client.post(
        "/admin/escalation/policy/add/", _policy_form(org, trigger="breach", clock="response")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "This department already has its escalation policy" in " ".join(
        form.errors["department"]
    )
    assert not form.non_field_errors()
    page = response.content.decode()
    assert "escalation_one_department_policy" not in page
    assert Policy.objects.filter(department=org.it).count() == 1

"""Services in Django admin: the form an administrator fills in, posted as the admin sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Org
from staffdesk.catalog.models import FormField, Service

ADD = "/admin/catalog/service/add/"


def _change(service: Service) -> str:
    return f"/admin/catalog/service/{service.pk}/change/"


def _service_form(org: Org, service: Service | None = None, **changes: object) -> dict:
    """The service form as the admin posts it, with the service's questions unchanged."""
    form: dict[str, object] = {
        "department": org.it.pk,
        "code": "it-monitor",
        "name": "Second monitor",
        "description": "",
        "keywords": "",
        "group": "Hardware",
        "point_person": org.it_point.pk,
        "backup": org.it_backup.pk,
        "fulfilment": "request",
        "is_active": "on",
        "sla_agreement": "",
    }
    fields = list(service.fields.all()) if service else []
    if service is not None:
        form |= {
            "department": service.department_id,
            "code": service.code,
            "name": service.name,
            "group": service.group,
            "point_person": service.point_person_id or "",
            "backup": service.backup_id or "",
        }
    form |= {
        "fields-TOTAL_FORMS": str(len(fields)),
        "fields-INITIAL_FORMS": str(len(fields)),
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    for index, field in enumerate(fields):
        prefix = f"fields-{index}-"
        form |= {
            f"{prefix}id": field.pk,
            f"{prefix}service": service.pk if service else "",
            f"{prefix}code": field.code,
            f"{prefix}label": field.label,
            f"{prefix}description": field.description,
            f"{prefix}datatype": field.datatype,
            f"{prefix}order": field.order,
            f"{prefix}values": _lines(field),
        }
        if field.required:
            form[f"{prefix}required"] = "on"
    form |= changes
    return {key: value for key, value in form.items() if value is not None}


def _lines(field: FormField) -> str:
    return "\n".join(f"{value['key']}: {value['name']}" for value in field.values)


@pytest.fixture
def admin_client(client: Client, org: Org) -> Client:
    client.force_login(org.admin)
    return client


def test_a_point_person_from_another_team_is_refused_on_the_field(
    admin_client: Client, org: Org
) -> None:
    response = admin_client.post(ADD, _service_form(org, point_person=org.hr_agent.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not on its team" in " ".join(errors["point_person"])
    assert "Information Technology team" in " ".join(errors["point_person"])
    assert not Service.objects.filter(code="it-monitor").exists()


def test_a_backup_who_left_is_refused_on_the_field(admin_client: Client, org: Org) -> None:
    org.it_backup.is_active = False
    org.it_backup.save()
    response = admin_client.post(_change(org.laptop), _service_form(org, org.laptop))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "former employee" in " ".join(errors["backup"])
    assert Service.objects.get(pk=org.laptop.pk).backup == org.it_backup  # unchanged


def test_the_team_s_active_members_are_offered(admin_client: Client, org: Org) -> None:
    page = admin_client.get(_change(org.laptop))
    form = page.context["adminform"].form
    team = {org.it_point, org.it_backup, org.it_agent, org.it_lead}
    for name in ("point_person", "backup"):
        assert set(form.fields[name].queryset) == team
    html = page.content.decode()
    assert "Hana HR" not in html and "Rita Requester" not in html
    response = admin_client.post(
        _change(org.laptop), _service_form(org, org.laptop, backup=org.it_agent.pk)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Service.objects.get(pk=org.laptop.pk).backup == org.it_agent


def test_choices_are_edited_one_a_line_and_round_trip(admin_client: Client, org: Org) -> None:
    model = org.laptop.fields.get(code="model")
    before = list(model.values)
    page = admin_client.get(_change(org.laptop))
    rows = page.context["inline_admin_formsets"][0].formset.forms
    shown = next(row for row in rows if row.instance == model)["values"].value()
    assert shown == 'standard: Standard 14"\npower: Power 16"'
    assert "<textarea" in page.content.decode()

    form = _service_form(org, org.laptop)
    index = next(i for i, row in enumerate(rows) if row.instance == model)
    form[f"fields-{index}-values"] = shown  # posted back as the page shows it
    response = admin_client.post(_change(org.laptop), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert FormField.objects.get(pk=model.pk).values == before

    form[f"fields-{index}-values"] = 'standard: Standard 14"\n\npower: Power 16"\nsilent\n'
    assert admin_client.post(_change(org.laptop), form).status_code == 302
    assert FormField.objects.get(pk=model.pk).values == [
        *before,
        {"key": "silent", "name": "silent"},
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("standard: Standard\n: Nameless", "Line 2: write the key"),
        ("standard: Standard\nstandard: Again", "already used"),
        ("", "A list needs its choices"),
    ],
)
def test_bad_choices_are_refused_by_line(
    admin_client: Client, org: Org, lines: str, message: str
) -> None:
    model = org.laptop.fields.get(code="model")
    form = _service_form(org, org.laptop)
    index = list(org.laptop.fields.all()).index(model)
    form[f"fields-{index}-values"] = lines
    response = admin_client.post(_change(org.laptop), form)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[index].errors
    assert message in " ".join(errors["values"])

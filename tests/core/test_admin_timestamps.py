"""Timestamps are the system's record: no add or change form of any admin, nor any inline row,
lets an administrator edit one, and none opens a form.

The test walks `admin.site._registry` (as test_admin_visibility.py does), so an admin added
later is checked: every add page and every object's change page, with their inlines.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.services import api_token_create
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.triggers import WatchedClock
from staffdesk.open311.models import Integration, Submission
from staffdesk.requests.services import request_submit
from tests.factories import AgreementFactory, LevelFactory

RECORDED = {"created_at", "updated_at", "last_login", "date_joined", "last_used_at"}


def _timestamps(model: type[models.Model]) -> set[str]:
    return {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField)
        and (field.auto_now or field.auto_now_add or field.name in RECORDED)
    }


def _registered() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model: type[models.Model], view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(org) -> None:
    """A row of every registered model that has an admin form with inlines or timestamps."""
    item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    AgreementFactory(provider=org.it)
    level = LevelFactory(policy__department=org.it)
    Escalation.objects.create(
        request=item,
        clock=WatchedClock.RESPONSE,
        level=level,
        source=Escalation.Source.REQUESTER,
        actor=org.requester,
    )
    api_token_create(person=org.admin, name="script")
    integration = Integration.objects.create(name="Street app", prefix="o311_x", key_hash="x" * 64)
    Submission.objects.create(request=item, integration=integration)


def _editable_form_fields(response: HttpResponse) -> set[str]:
    adminform = response.context["adminform"]
    return set(adminform.form.fields) - set(adminform.readonly_fields)


def _editable_inline_fields(response: HttpResponse) -> dict[str, set[str]]:
    found = {}
    for inline in response.context["inline_admin_formsets"]:
        if inline.has_change_permission or inline.has_add_permission:
            fields = set(inline.formset.form.base_fields) - set(inline.readonly_fields)
        else:
            fields = set()
        found[inline.opts.model._meta.label] = fields & _timestamps(inline.opts.model)
    return found


def _first_field(response: HttpResponse) -> str:
    _name, options = response.context["adminform"].fieldsets[0]
    first = options["fields"][0]
    return first[0] if isinstance(first, (list, tuple)) else first


def test_no_admin_form_or_inline_lets_a_timestamp_be_edited(client, org, one_of_each) -> None:
    client.force_login(org.admin)
    checked = 0
    for model, model_admin in _registered():
        stamps = _timestamps(model)
        pages = [_url(model, "add")] + [
            _url(model, "change", pk)
            for pk in model_admin.get_queryset(_request_of(org.admin)).values_list("pk", flat=True)
        ]
        for url in pages:
            response = client.get(url)
            if response.status_code == 403:  # an admin that adds nothing
                continue
            assert response.status_code == 200, (url, response.status_code)
            label = f"{model._meta.label} at {url}"
            assert not _editable_form_fields(response) & stamps, label
            assert _first_field(response) not in stamps, label
            for inline, editable in _editable_inline_fields(response).items():
                assert not editable, f"{label}: inline {inline} edits {editable}"
            checked += 1
    assert checked > 20  # the walk saw real pages


def test_a_department_and_its_memberships_keep_their_timestamps(client, org) -> None:
    """The department's change page posts back without timestamps; saving moves updated_at."""
    client.force_login(org.admin)
    before = Department.objects.get(pk=org.it.pk).updated_at
    page = client.get(_url(Department, "change", org.it.pk))
    assert 'name="updated_at' not in page.content.decode()
    assert 'name="memberships-0-updated_at' not in page.content.decode()
    memberships = list(Membership.objects.filter(department=org.it).order_by("pk"))
    form = {
        "code": "IT",
        "name": "Information Technology",
        "lead": org.it_lead.pk,
        "parent": "",
        "updated_at_0": "2001-01-01",
        "updated_at_1": "00:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        form |= {
            f"memberships-{index}-id": membership.pk,
            f"memberships-{index}-department": org.it.pk,
            f"memberships-{index}-person": membership.person_id,
            f"memberships-{index}-role": membership.role,
            f"memberships-{index}-updated_at_0": "2001-01-01",
            f"memberships-{index}-updated_at_1": "00:00:00",
        }
    response = client.post(_url(Department, "change", org.it.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = Department.objects.get(pk=org.it.pk).updated_at
    assert after > before
    assert not Membership.objects.filter(updated_at__year=2001).exists()


def _request_of(user: Person) -> HttpRequest:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request

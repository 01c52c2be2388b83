"""Agreements: drafting, targets, activation rules, visibility and which one applies."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import PROTECT

from staffdesk.catalog.models import Service
from staffdesk.core.errors import Conflict, ValidationFailed
from staffdesk.sla.models import Agreement
from staffdesk.sla.selectors import access_agreement, agreement_applicable, agreement_list
from staffdesk.sla.services import (
    agreement_activate,
    agreement_create,
    agreement_expire,
    agreement_set_targets,
    calendar_create,
)

TARGETS = {1: (30, 240), 2: (240, 1440), 3: (480, 2880), 4: (960, 7200)}
JAN = date(2026, 1, 1)


@pytest.fixture
def office(db):
    return calendar_create(
        name="Offices",
        time_zone="America/New_York",
        holiday_country="US",
        holiday_subdivision="PA",
        intervals=[(day, time(8), time(18)) for day in range(5)],
    )


@pytest.fixture
def make(office):
    def make(name, provider, *, customers=(), active=True, effective_from=JAN, **kwargs):
        agreement = agreement_create(
            name=name,
            provider=provider,
            calendar=office,
            customers=customers,
            effective_from=effective_from,
            targets=TARGETS,
            **kwargs,
        )
        return agreement_activate(agreement=agreement) if active else agreement

    return make


def applicable(org, *, customer=None, on=date(2026, 6, 1), service_agreement=None):
    return agreement_applicable(
        provider_department_id=org.it.pk,
        customer_department_id=customer.pk if customer else None,
        on=on,
        service_agreement_id=service_agreement.pk if service_agreement else None,
    )


def test_most_specific_active_agreement_applies(org, make):
    default = make("Organization default", org.hr, is_organization_default=True)
    assert applicable(org, customer=org.fin) == default
    everyone = make("IT for everyone", org.it)
    assert applicable(org, customer=org.fin) == everyone
    for_finance = make("IT for Finance", org.it, customers=[org.fin])
    assert applicable(org, customer=org.fin) == for_finance
    assert applicable(org, customer=org.water) == everyone
    assert applicable(org, customer=None) == everyone
    laptops = make("Laptops for everyone", org.it, services_only=True)
    assert applicable(org, customer=org.fin, service_agreement=laptops) == laptops
    # A per-service override never becomes the department's agreement for other services.
    assert applicable(org, customer=org.water) == everyone


def test_a_service_may_name_a_department_wide_agreement(org, make):
    make("IT for everyone", org.it)
    hr_terms = make("HR terms", org.hr)
    assert applicable(org, customer=org.fin, service_agreement=hr_terms) == hr_terms


def test_service_override_applies_only_to_the_customers_it_names(org, make):
    everyone = make("IT for everyone", org.it)
    police_laptops = make("Laptops for Water", org.it, customers=[org.water], services_only=True)
    assert applicable(org, customer=org.water, service_agreement=police_laptops) == police_laptops
    assert applicable(org, customer=org.fin, service_agreement=police_laptops) == everyone


def test_only_agreements_in_force_on_the_day_apply(org, make):
    make("Draft", org.it, active=False)
    expired = make("Old", org.it)
    agreement_expire(agreement=expired)
    make("Future", org.it, customers=[org.fin], effective_from=date(2026, 7, 1))
    assert applicable(org, customer=org.fin, on=date(2026, 6, 30)) is None
    current = make("Reviewed long ago", org.it, review_on=date(2026, 2, 1))
    assert applicable(org, customer=org.fin, on=date(2026, 6, 30)) == current  # review != end
    assert applicable(org, customer=org.fin, on=date(2026, 7, 1)).name == "Future"
    assert applicable(org, customer=org.fin, on=date(2025, 12, 31)) is None


def test_a_later_agreement_supersedes_from_its_effective_date(org, make):
    first = make("2026", org.it)
    second = make("2026 revised", org.it, effective_from=date(2026, 4, 1))
    assert applicable(org, customer=org.fin, on=date(2026, 3, 31)) == first
    assert applicable(org, customer=org.fin, on=date(2026, 4, 1)) == second


def test_no_customers_named_means_everyone_even_without_the_flag(org, make):
    loose = make("Loose", org.it)
    Agreement.objects.filter(pk=loose.pk).update(applies_to_everyone=False)
    assert applicable(org, customer=org.fin) == loose


def test_selection_is_one_query_plus_its_targets(org, make, django_assert_num_queries):
    make("IT for Finance", org.it, customers=[org.fin])
    with django_assert_num_queries(2):
        found = applicable(org, customer=org.fin, service_agreement=None)
        assert found.calendar.time_zone == "America/New_York"
        assert sorted(t.priority for t in found.targets.all()) == [1, 2, 3, 4]


def test_agreement_create_validates_each_field(org, office):
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(
            name=" ",
            provider=org.it,
            calendar=office,
            effective_from=date(2026, 5, 1),
            review_on=date(2026, 4, 1),
            at_risk_share="1.5",
            pausing_statuses=["Waiting!"],
        )
    assert set(caught.value.errors) == {"name", "review_on", "at_risk_share", "pausing_statuses"}


def test_agreement_create_records_both_sides(org, office):
    agreement = agreement_create(
        name="Procurement for IT",
        provider=org.fin,
        customers=[org.it],
        calendar=office,
        effective_from=JAN,
        point_person=org.requester,
        provider_commitments="Purchase orders within 3 business days.",
        customer_commitments="Requests arrive with a quote and a budget code.",
        at_risk_share="0.8",
        pausing_statuses=["waiting_on_requester", "on_hold"],
    )
    assert agreement.status == Agreement.Status.DRAFT and not agreement.applies_to_everyone
    assert list(agreement.customers.all()) == [org.it]
    assert agreement.at_risk_share == Decimal("0.80")
    assert agreement.pausing_statuses == ["waiting_on_requester", "on_hold"]


def test_targets_are_validated_and_replaced(org, make):
    agreement = make("IT", org.it, active=False)
    with pytest.raises(ValidationFailed) as caught:
        agreement_set_targets(agreement=agreement, targets={0: (1, 2), 2: (0, 10), 3: (60, 30)})
    assert set(caught.value.errors) == {"targets.0", "targets.2", "targets.3"}
    agreement_set_targets(agreement=agreement, targets={1: (15, 60)})
    assert [
        (t.priority, t.first_response_minutes, t.resolution_minutes)
        for t in agreement.targets.all()
    ] == [(1, 15, 60)]


def test_activation_needs_all_targets_and_working_hours(org, office):
    empty = calendar_create(name="Empty", time_zone="UTC")
    agreement = agreement_create(
        name="IT", provider=org.it, calendar=empty, effective_from=JAN, targets={1: (30, 60)}
    )
    with pytest.raises(ValidationFailed) as caught:
        agreement_activate(agreement=agreement)
    assert set(caught.value.errors) == {"targets", "calendar"}
    assert "P2, P3, P4" in caught.value.errors["targets"][0]


def test_one_active_organization_default(org, make):
    first = make("Default", org.hr, is_organization_default=True)
    second = make("Another default", org.it, is_organization_default=True, active=False)
    with pytest.raises(Conflict):
        agreement_activate(agreement=second)
    agreement_expire(agreement=first)
    assert agreement_activate(agreement=second).status == Agreement.Status.ACTIVE


def test_database_allows_only_one_active_default(org, make):
    make("Default", org.hr, is_organization_default=True)
    other = make("Other", org.it, is_organization_default=True, active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=other.pk).update(status=Agreement.Status.ACTIVE)


def test_activation_refuses_a_tie_for_the_same_customers(org, make):
    make("IT for Finance", org.it, customers=[org.fin, org.water])
    tie = make("IT for Water", org.it, customers=[org.water], active=False)
    with pytest.raises(Conflict):
        agreement_activate(agreement=tie)
    other_day = make("IT for Water", org.it, customers=[org.water], effective_from=date(2026, 2, 1))
    assert other_day.status == Agreement.Status.ACTIVE


def test_only_drafts_are_activated(org, make):
    agreement = make("IT", org.it)
    assert agreement_activate(agreement=agreement).status == Agreement.Status.ACTIVE  # no-op
    agreement_expire(agreement=agreement)
    with pytest.raises(Conflict):
        agreement_activate(agreement=agreement)


def test_every_signed_in_employee_reads_every_agreement(org, make):
    draft = make("Draft", org.it, active=False)
    active = make("Active", org.hr, customers=[org.it])
    assert set(agreement_list(user=org.unrelated)) == {draft, active}
    assert access_agreement(user=org.requester, agreement_id=active.pk) == active
    assert not Agreement.objects.visible_to(AnonymousUser()).exists()


def test_a_service_names_its_override_and_protects_it(org, make):
    override = make("Laptops", org.it, services_only=True)
    org.laptop.sla_agreement = override
    org.laptop.save(update_fields=["sla_agreement"])
    assert list(override.services.all()) == [org.laptop]
    field = Service._meta.get_field("sla_agreement")
    assert field.null and field.remote_field.on_delete is PROTECT


def test_the_default_cannot_be_limited_to_services(org, office):
    with pytest.raises(ValidationFailed) as caught:
        agreement_create(
            name="Default",
            provider=org.hr,
            calendar=office,
            effective_from=JAN,
            is_organization_default=True,
            services_only=True,
        )
    assert set(caught.value.errors) == {"services_only"}

"""Catalog search in people's words: any word, stemmed, ranked, stop words ignored, and the
organization's general service last (catalog/search.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import catalog_list, service_list
from tests.factories import ServiceFactory


@pytest.fixture
def finance_catalog(org, settings):
    """Payroll among Finance's and HR's services, a general service, a withdrawn one."""
    settings.STAFFDESK_GENERAL_SERVICE = "service-desk"
    services = {
        "payroll": ServiceFactory(
            department=org.fin,
            code="fin-payroll",
            name="Paycheck or payroll problem",
            group="Payroll",
            keywords="paycheck, pay stub, W-2, overtime, direct deposit, withholding",
            description="Missing or wrong pay, deductions and tax forms.",
        ),
        "invoice": ServiceFactory(
            department=org.fin,
            code="fin-invoice",
            name="Pay a vendor invoice",
            keywords="invoice, payment, accounts payable, bill",
            description="Pay a supplier. It is paid within 30 days; my team checks the PO.",
        ),
        "benefits": ServiceFactory(
            department=org.hr,
            code="hr-benefits",
            name="Benefits change",
            keywords="benefits, insurance, dental",
            description="A change of plan after a life event; the change shows on your pay stub.",
        ),
        "general": ServiceFactory(
            department=org.it,
            code="service-desk",
            name="Service desk: ask anything",
            keywords="help, question",
            description="Not sure which service? Ask us and we will find the right team.",
        ),
        "withdrawn": ServiceFactory(
            department=org.hr,
            code="hr-old-payroll",
            name="Old payroll corrections",
            keywords="paycheck, payroll",
            is_active=False,
        ),
    }
    return services


def _codes(user, query: str) -> list[str]:
    return [service.code for service in catalog_list(user=user, query=query)]


@pytest.mark.parametrize(
    "query",
    ["my paycheck is wrong", "paycheck", "payroll", "pay stub", "W-2", "paychecks", "Payroll "],
)
def test_people_s_words_find_the_payroll_service_first(org, finance_catalog, query):
    found = _codes(org.requester, query)

    assert found[0] == "fin-payroll", (connection.vendor, found)
    assert found[-1] == "service-desk"
    assert found.count("service-desk") == 1


def test_name_and_keywords_weigh_more_than_the_description(org, finance_catalog):
    # "pay stub" is in the benefits service's description only, in payroll's keywords.
    found = _codes(org.requester, "stub")

    assert found == ["fin-payroll", "hr-benefits", "service-desk"]


def test_stop_words_alone_match_nothing_but_the_general_service(org, finance_catalog):
    # Every description here has "is", "my", "it" or "the": none of them counts.
    assert _codes(org.requester, "my is it the") == ["service-desk"]


def test_nonsense_shows_only_the_general_service(org, finance_catalog):
    assert _codes(org.requester, "zeppelin quux") == ["service-desk"]


def test_the_last_word_matches_as_it_is_typed(org, finance_catalog):
    assert _codes(org.requester, "payc")[0] == "fin-payroll"
    # A word followed by a space is finished: no prefix.
    assert _codes(org.requester, "payc ") == ["service-desk"]


def test_invisible_services_are_not_found(org, finance_catalog):
    found = _codes(org.requester, "payroll")

    assert "hr-old-payroll" not in found
    # The providing team still finds its withdrawn service through the API's selector,
    # which lists what they may see, the catalog only what is on offer.
    team = [s.code for s in service_list(user=org.hr_agent, query="payroll")]
    assert "hr-old-payroll" in team
    assert "hr-old-payroll" not in _codes(org.hr_agent, "payroll")


def test_the_general_service_is_last_even_when_it_matches_best(org, finance_catalog):
    found = _codes(org.requester, "service desk question paycheck")

    assert found[0] == "fin-payroll" and found[-1] == "service-desk"


def test_without_a_general_service_nothing_is_added(org, finance_catalog, settings):
    settings.STAFFDESK_GENERAL_SERVICE = ""

    assert _codes(org.requester, "zeppelin") == []
    assert _codes(org.requester, "paycheck") == ["fin-payroll"]


def test_a_withdrawn_general_service_is_not_offered(org, finance_catalog):
    Service.objects.filter(code="service-desk").update(is_active=False)

    assert _codes(org.requester, "paycheck") == ["fin-payroll"]


def test_the_index_follows_changes(org, finance_catalog):
    service = finance_catalog["invoice"]
    service.keywords = "zeppelin"
    service.save()

    assert _codes(org.requester, "zeppelin") == ["fin-invoice", "service-desk"]
    service.delete()
    assert _codes(org.requester, "zeppelin") == ["service-desk"]


def test_a_department_s_name_or_code_lists_its_services(org, finance_catalog):
    assert set(_codes(org.requester, "finance")) == {"fin-payroll", "fin-invoice", "service-desk"}
    assert set(_codes(org.requester, "FIN")) == {"fin-payroll", "fin-invoice", "service-desk"}

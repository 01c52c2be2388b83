"""The demo's catalog answers the words employees type (catalog.toml's keywords)."""

from __future__ import annotations

from django.core.management import call_command

from staffdesk.catalog.selectors import catalog_list
from staffdesk.directory.models import Person

EXPECTED_FIRST = {
    "my paycheck is wrong": "fin-payroll",
    "paycheck": "fin-payroll",
    "payroll": "fin-payroll",
    "pay stub": "fin-payroll",
    "W-2": "fin-payroll",
    "overtime": "fin-payroll",
    "direct deposit": "fin-payroll",
    "vacation days": "hr-holidays",
    "sick leave": "hr-leave",
    "benefits": "hr-benefits",
    "my laptop is slow": "it-laptop",
    "forgot my password": "it-password",
}


def test_the_demo_catalog_finds_what_people_type(db):
    call_command("demo", stdout=None)
    employee = Person.objects.get(username="employee")

    for query, code in EXPECTED_FIRST.items():
        found = [service.code for service in catalog_list(user=employee, query=query)]
        assert found[0] == code, (query, found)
        assert found[-1] == "service-desk", (query, found)
    nothing = [service.code for service in catalog_list(user=employee, query="zeppelin")]
    assert nothing == ["service-desk"]

"""The demo's catalog answers the words employees type (catalog.toml's keywords), and its
information-only services have questions asked of them."""

from __future__ import annotations

from django.core.management import call_command

from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import catalog_list
from staffdesk.directory.models import Person
from staffdesk.requests.models import Request

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


def test_the_demo_catalog_finds_what_people_type_and_answers_questions(db):
    call_command("demo", stdout=None)
    employee = Person.objects.get(username="employee")

    for query, code in EXPECTED_FIRST.items():
        found = [service.code for service in catalog_list(user=employee, query=query)]
        assert found[0] == code, (query, found)
        assert found[-1] == "service-desk", (query, found)
    nothing = [service.code for service in catalog_list(user=employee, query="zeppelin")]
    assert nothing == ["service-desk"]

    # Its information-only services have had questions asked of them.
    asked = Request.objects.filter(service__fulfilment=Service.Fulfilment.INFORMATION)
    assert asked.count() >= 2
    for question in asked.select_related("service"):
        assert question.subject.startswith("Question: ")
        assert question.department_id == question.service.department_id
        assert question.response_due_at is not None

"""Every page of the demo organization renders for the people who can see it."""

import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from staffdesk.catalog.models import Service
from staffdesk.directory.models import Department, Person
from staffdesk.requests.models import Request


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(Person.objects.get(username=username))
    return client


def test_every_demo_page_renders(demo):
    employee, lead, admin = _client("employee"), _client("lead"), _client("admin")
    for path in ("/", "/catalog/", "/requests/", "/me/", "/notifications/"):
        assert employee.get(path).status_code == 200, path
    assert lead.get("/requests/queue/").status_code == 200
    for department in Department.objects.all():
        assert employee.get(f"/catalog/{department.code}/").status_code == 200
    for service in Service.objects.filter(is_active=True):
        assert employee.get(f"/requests/new/{service.code}").status_code == 200, service.code
    for request in Request.objects.select_related("requester"):
        viewer = admin if not request.confidential else _client(request.requester.username)
        response = viewer.get(f"/requests/{request.number}")
        assert response.status_code == 200, request.number
        assert escape(request.subject) in response.content.decode()

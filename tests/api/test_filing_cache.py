"""What filing caches per service (routing, agreement, form) follows every change at once,
made in this process or another one."""

import os
import subprocess
import sys
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.services import api_token_create, person_set_away
from staffdesk.requests.models import Request
from staffdesk.sla.services.agreements import agreement_set_targets
from tests.factories import FormFieldFactory


def _file(client, token, answers=LAPTOP_ANSWERS):
    response = client.post(
        "/api/v1/requests",
        {"service": "it-laptop", "answers": answers, "priority": 3},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    return response


def _assignee(response):
    assert response.status_code == 201, response.content
    return Request.objects.get(number=response.json()["number"]).assignee


def test_the_point_person_going_away_routes_the_next_filing_to_the_backup(org, client):
    _, token = api_token_create(person=org.requester, name="t")
    assert _assignee(_file(client, token)) == org.it_point
    person_set_away(
        person=org.it_point, away_until=timezone.localdate() + timedelta(days=3), delegate=None
    )
    assert _assignee(_file(client, token)) == org.it_backup


def test_a_change_of_the_agreements_targets_times_the_next_filing(org, agreement, client):
    _, token = api_token_create(person=org.requester, name="t")
    before = Request.objects.get(number=_file(client, token).json()["number"])
    agreement_set_targets(agreement=agreement, targets={3: (30, 60)})
    after = Request.objects.get(number=_file(client, token).json()["number"])
    assert after.response_due_at - after.created_at < before.response_due_at - before.created_at


def test_a_new_required_question_is_asked_at_the_next_filing(org, client):

    _, token = api_token_create(person=org.requester, name="t")
    assert _file(client, token).status_code == 201
    FormFieldFactory(service=org.laptop, code="room", label="Room", required=True, order=4)
    refused = _file(client, token)
    assert refused.status_code == 422
    assert "answers.room" in refused.json()["errors"]


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def test_a_change_made_by_another_process_is_honoured_by_the_next_filing(
    org, client, transactional_db
):
    """Another web worker (a process of its own) sets the point person away: this process,
    which has the service's routing cached, routes the next filing to the backup."""
    _, token = api_token_create(person=org.requester, name="t")
    assert _assignee(_file(client, token)) == org.it_point
    script = (
        "import django, datetime; django.setup()\n"
        "from django.utils import timezone\n"
        "from staffdesk.directory.models import Person\n"
        "from staffdesk.directory.services import person_set_away\n"
        f"person = Person.objects.get(pk={org.it_point.pk})\n"
        "person_set_away(person=person, delegate=None,\n"
        "    away_until=timezone.localdate() + datetime.timedelta(days=3))\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "staffdesk.config.settings",
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert _assignee(_file(client, token)) == org.it_backup


def test_the_cached_service_is_what_access_service_gives_each_role(org):
    """The cache serves an active service read for one person to the next: the same object
    `access_service` (through `visible_to`) gives every role, field for field."""
    from staffdesk.catalog.selectors import access_service
    from staffdesk.requests.selectors import service_for_filing

    people = [org.requester, org.it_agent, org.it_lead, org.hr_agent, org.admin, org.unrelated]
    for person in people:  # the first fills the cache, the others read it
        cached = service_for_filing(user=person, code="it-laptop")
        read = access_service(user=person, code="it-laptop")
        assert cached.__dict__.keys() >= {f.attname for f in read._meta.concrete_fields}
        assert [getattr(cached, f.attname) for f in read._meta.concrete_fields] == [
            getattr(read, f.attname) for f in read._meta.concrete_fields
        ]
        assert (cached.department, cached.point_person, cached.backup) == (
            read.department,
            read.point_person,
            read.backup,
        )


def test_a_withdrawn_service_is_hidden_again_from_those_outside_its_team(org, client):
    """Withdrawing a service (inactive: only its team sees it) takes it out of the cache: an
    employee filing next is told there is no such service, as before it was ever cached."""
    _, token = api_token_create(person=org.requester, name="t")
    assert _file(client, token).status_code == 201
    org.laptop.is_active = False
    org.laptop.save()
    refused = _file(client, token)
    assert refused.status_code == 404
    _, agent_token = api_token_create(person=org.it_agent, name="t")
    told = _file(client, agent_token)  # the team sees it, and is told it is withdrawn
    assert told.status_code == 422
    assert "no longer offered" in told.json()["errors"]["service"][0]


def test_turning_email_off_for_assignments_is_honoured_by_the_next_filing(org, client):
    from staffdesk.notifications.models import Notification
    from staffdesk.notifications.services import notification_preferences_set

    _, token = api_token_create(person=org.requester, name="t")
    _file(client, token)
    notification_preferences_set(person=org.it_point, email_by_kind={"request_assigned": False})
    _file(client, token)
    statuses = list(
        Notification.objects.filter(recipient=org.it_point, kind="request_assigned")
        .order_by("id")
        .values_list("email_status", flat=True)
    )
    assert statuses == [Notification.EmailStatus.PENDING, Notification.EmailStatus.SKIPPED]

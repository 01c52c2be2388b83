"""Fixtures shared by every test: a small organization, signed-in API clients, real SMTP."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.services import api_token_create
from staffdesk.requests.services import attachment_add, request_add_note, request_submit
from tests.factories import (
    AgreementFactory,
    DepartmentFactory,
    FormFieldFactory,
    PersonFactory,
    ServiceFactory,
)
from tests.smtp import smtp_server  # noqa: F401 - a fixture shared by all tests


def pytest_configure(config: pytest.Config) -> None:
    """The tests never read a checkout's collected static files (`var/static`, which
    `make run` writes and a later edit leaves stale): their STATIC_ROOT is empty, so pages
    name the apps' own files, served from the apps as before any `collectstatic`."""
    from django.conf import settings

    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="staffdesk-static-")


@dataclass
class Org:
    """A small organization: Finance and Water employees, the IT and HR teams, an admin."""

    it: Department
    hr: Department
    fin: Department
    water: Department
    requester: Person
    colleague: Person
    unrelated: Person
    it_point: Person
    it_backup: Person
    it_agent: Person
    it_lead: Person
    hr_agent: Person
    admin: Person
    laptop: Service
    leave: Service


def _member(person: Person, department: Department, role: str = Membership.Role.MEMBER) -> Person:
    Membership.objects.create(person=person, department=department, role=role)
    return person


@pytest.fixture
def org(db) -> Org:
    it = DepartmentFactory(code="IT", name="Information Technology")
    hr = DepartmentFactory(code="HR", name="Human Resources")
    fin = DepartmentFactory(code="FIN", name="Finance")
    water = DepartmentFactory(code="WATER", name="Water Department")
    people = {
        "requester": PersonFactory(
            username="rita", first_name="Rita", last_name="Requester", department=fin
        ),
        "colleague": PersonFactory(
            username="colin", first_name="Colin", last_name="Colleague", department=fin
        ),
        "unrelated": PersonFactory(
            username="una", first_name="Una", last_name="Unrelated", department=water
        ),
        "it_point": _member(
            PersonFactory(username="pete", first_name="Pete", last_name="Point", department=it), it
        ),
        "it_backup": _member(
            PersonFactory(username="bea", first_name="Bea", last_name="Backup", department=it), it
        ),
        "it_agent": _member(
            PersonFactory(username="alex", first_name="Alex", last_name="Agent", department=it), it
        ),
        "it_lead": _member(
            PersonFactory(username="lee", first_name="Lee", last_name="Lead", department=it),
            it,
            Membership.Role.LEAD,
        ),
        "hr_agent": _member(
            PersonFactory(username="hana", first_name="Hana", last_name="HR", department=hr), hr
        ),
        "admin": PersonFactory(
            username="ada",
            first_name="Ada",
            last_name="Admin",
            department=fin,
            is_superuser=True,
            is_staff=True,
        ),
    }
    it.lead = people["it_lead"]
    it.save()
    laptop = ServiceFactory(
        department=it,
        code="it-laptop",
        name="New laptop",
        keywords="laptop, computer, notebook",
        description="A laptop for a new or existing employee.",
        group="Hardware",
        point_person=people["it_point"],
        backup=people["it_backup"],
    )
    FormFieldFactory(
        service=laptop,
        code="model",
        label="Model",
        datatype=FormField.Datatype.SINGLEVALUELIST,
        required=True,
        order=1,
        values=[{"key": "standard", "name": 'Standard 14"'}, {"key": "power", "name": 'Power 16"'}],
    )
    FormFieldFactory(
        service=laptop,
        code="quantity",
        label="Quantity",
        datatype=FormField.Datatype.NUMBER,
        required=True,
        order=2,
    )
    FormFieldFactory(
        service=laptop,
        code="needed_by",
        label="Needed by",
        datatype=FormField.Datatype.DATETIME,
        required=False,
        order=3,
    )
    leave = ServiceFactory(
        department=hr,
        code="hr-leave",
        name="Leave of absence",
        confidential=True,
        point_person=people["hr_agent"],
    )
    FormFieldFactory(
        service=leave,
        code="reason",
        label="Reason",
        datatype=FormField.Datatype.TEXT,
        required=True,
    )
    return Org(it=it, hr=hr, fin=fin, water=water, laptop=laptop, leave=leave, **people)


LAPTOP_ANSWERS = {"model": "standard", "quantity": 1}


class Api:
    """An HTTP client for /api/v1 signed in with a personal token."""

    def __init__(self, base_url: str, person: Person | None):
        headers = {}
        if person is not None:
            _, secret = api_token_create(person=person, name="tests")
            headers["Authorization"] = f"Bearer {secret}"
        self.client = httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=30)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def api(live_server, transactional_db):
    """`api(person)` gives a real-HTTP client of the live server authenticated as that person."""
    clients: list[Api] = []

    def make(person: Person | None) -> Api:
        client = Api(live_server.url, person)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.client.close()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many people; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def production_server(transactional_db):
    """The app behind waitress, the server `staffdesk serve` runs, on a free loopback port.

    Used where the test is about the server under load (many simultaneous connections),
    which Django's single-purpose test server is not built for.
    """
    import threading

    from waitress.server import create_server

    from staffdesk.config.wsgi import application

    server = create_server(application, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True, scope="session")
def _close_connections_after_each_request():
    """Server threads in tests must not keep connections open past the test database's life."""
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def agreement(org):
    """IT for everyone: Mon-Fri 08:00-18:00 New York; P3 answers in 4 h, resolves in 20 h."""
    return AgreementFactory(
        name="IT for everyone",
        provider=org.it,
        calendar__name="City hours",
        targets={1: (60, 240), 2: (240, 1200), 3: (240, 1200), 4: (480, 2400)},
    )


@pytest.fixture
def cases(org):
    """An IT request and a confidential HR case of Rita's, each with a file; the IT one also
    with an internal note and an internal file (the visibility matrices' objects)."""
    it = request_submit(
        requester=org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject="Docking station flickers",
    )
    hr = request_submit(
        requester=org.requester,
        service=org.leave,
        answers={"reason": "Surgery"},
        subject="Medical leave flickers",
    )
    it_file = attachment_add(
        request=it,
        uploader=org.requester,
        filename="screen.txt",
        upload=SimpleUploadedFile("screen.txt", b"flicker log"),
    )
    hr_file = attachment_add(
        request=hr,
        uploader=org.requester,
        filename="note.txt",
        upload=SimpleUploadedFile("note.txt", b"doctor's note"),
    )
    internal = attachment_add(
        request=it,
        uploader=org.it_agent,
        filename="internal.txt",
        upload=SimpleUploadedFile("internal.txt", b"asset list"),
        is_internal=True,
    )
    request_add_note(request=it, author=org.it_agent, body="Secret vendor price")
    return {"it": (it, it_file), "hr_confidential": (hr, hr_file), "internal_file": internal}


@pytest.fixture(autouse=True)
def _fresh_filing_cache():
    """Each test's database starts again at the same routing generation with other rows: a
    process's cache of what filing reads must not carry one test's rows into the next."""
    from staffdesk.requests.filing_cache import filing_cache_clear

    filing_cache_clear()

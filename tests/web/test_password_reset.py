"""Local accounts choose a password by email (people imported from the HR list start without
one): the link goes through the outbox to a real SMTP server and works once."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.test import Client

from staffdesk.core.errors import ValidationFailed
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import notification_deliver_due, notification_preferences_set
from tests.core.test_settings import STAFFDESK
from tests.factories import PersonFactory
from tests.notifications.test_outbox import mails_to

NEW_PASSWORD = "lantern-orchard-57"


@pytest.fixture
def imported(db):
    """A person added by the CSV import: an address, no usable password."""
    person = PersonFactory(username="nadia", email="Nadia.Okafor@city.example")
    person.set_unusable_password()
    person.save()
    return person


def _reset_link(smtp_server, address: str, settings) -> str:
    assert notification_deliver_due() == 1
    [mail] = mails_to(smtp_server, address)
    assert mail["Subject"] == "Choose your staffdesk password"
    body = mail.get_content()
    assert "it works once" in body
    link = re.search(rf"{re.escape(settings.STAFFDESK_BASE_URL)}(/signin/reset/\S+/)", body)
    assert link, body
    return link.group(1)


def test_an_imported_person_chooses_a_first_password_by_email(imported, smtp_server, settings):
    browser = Client()
    assert "Forgot your password, or never had one?" in browser.get("/signin/").content.decode()
    sent = browser.post("/signin/reset/", {"email": "nadia.okafor@city.example"}, follow=True)
    assert "Check your email" in sent.content.decode()
    assert "for 3 days" in sent.content.decode()

    link = _reset_link(smtp_server, "Nadia.Okafor@city.example", settings)
    form = browser.get(link, follow=True)  # Django swaps the token for a session-bound URL
    assert "Save my password" in form.content.decode()
    short = browser.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert short.status_code == 200 and "entirely numeric" in short.content.decode()
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password saved" in done.content.decode()

    signed_in = Client().post("/signin/", {"username": "nadia", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"
    again = browser.get(link, follow=True)  # a link works once
    assert "used already or is too old" in again.content.decode()


def test_an_unknown_address_is_answered_the_same_and_sends_nothing(db, smtp_server):
    sent = Client().post("/signin/reset/", {"email": "nobody@city.example"}, follow=True)
    assert "Check your email" in sent.content.decode()
    assert not Notification.objects.exists()
    assert notification_deliver_due() == 0


def test_an_inactive_person_gets_no_link(imported, smtp_server):
    imported.is_active = False
    imported.save()
    Client().post("/signin/reset/", {"email": imported.email})
    assert not Notification.objects.exists()


def test_reset_links_cannot_be_turned_off(imported):
    page = Client()
    page.force_login(imported)
    assert "password_reset" not in page.get("/me/").content.decode()
    with pytest.raises(ValidationFailed, match="always sent by email"):
        notification_preferences_set(person=imported, email_by_kind={"password_reset": False})


def test_the_import_tells_how_new_people_sign_in(tmp_path):
    result = subprocess.run(
        [STAFFDESK, "help", "import-people"], capture_output=True, text=True, timeout=60
    )
    assert "SSO" not in result.stdout
    assert "choose one from the sign-in page" in " ".join(result.stdout.split())

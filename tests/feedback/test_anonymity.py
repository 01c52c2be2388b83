"""Acceptance 2: an anonymous suggestion's author appears on no surface, and still follows it.

Zebulon suggests anonymously through the form, follows it through his private link (he
comments there, and later answers "did it help?"), while colleagues vote and comment and
IT's team answers it until it is done. Then every surface is searched for anything of his
(username, first and last name, email, and his id, a number chosen to stand out): the
pages (the list, the suggestion, the board, the queue, similar suggestions), the API's JSON,
the Django admin (changelist, search, change and history pages), the queue's CSV export,
the notifications written, the mails the SMTP server received (headers included) and every
log record written meanwhile. The database holds nothing of him either: not as author,
follower or voter, nor on his comment or his answer.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffdesk.feedback.models import Comment, Follower, HelpAnswer, Suggestion, Vote
from staffdesk.feedback.services.suggestions import NEW_KIND, suggestion_help_due
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import notification_deliver_due
from tests.factories import PersonFactory

AUTHOR_ID = 7919
TITLE = "Anonymous tip: fix the broken badge readers"


@pytest.fixture
def zebulon(org):
    return PersonFactory(
        id=AUTHOR_ID,
        username="zebulon",
        first_name="Zebulon",
        last_name="Quartermaine",
        email="zq@city.example",
        department=org.fin,
    )


def _traces(zebulon) -> list[str]:
    return [
        zebulon.username,
        zebulon.first_name,
        zebulon.last_name,
        zebulon.email,
        str(AUTHOR_ID),
    ]


def _assert_nothing_of(text: str, traces: list[str], where: str) -> None:
    for trace in traces:
        assert trace.lower() not in text.lower(), f"{where} shows {trace!r}"


def _browser(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def _private_link(page: str) -> str:
    found = re.search(r'value="(https?://[^"]+/suggestions/f/[^"/]+/)"', page)
    assert found, "the confirmation page shows the private link"
    return found.group(1)


@pytest.fixture
def journey(org, zebulon, api, caplog, smtp_server):
    """The anonymous suggestion's life, through the web pages and the API as people use them,
    with every log record of it kept; returns what the checks need."""
    caplog.set_level(logging.DEBUG)
    author = _browser(zebulon)
    # While he types, similar suggestions are looked up under his session.
    author.get(reverse("feedback:suggestion-similar"), {"title": "badge readers"})
    sent = author.post(
        reverse("feedback:suggestion-new"),
        {
            "department": org.it.pk,
            "title": TITLE,
            "body": "Half the **badge readers** on floor 2 do not read badges.",
            "anonymous": "on",
        },
    )
    assert sent.status_code == 201
    link = _private_link(sent.content.decode())
    private_path = link.split("testserver", 1)[-1]
    suggestion = Suggestion.objects.get(title=TITLE)

    colin = _browser(org.colleague)
    colin.post(reverse("feedback:suggestion-vote", args=[suggestion.pk]))
    # A second vote is refused, and Django's request log says so (with Colin's request).
    twice = colin.post(reverse("feedback:suggestion-vote", args=[suggestion.pk]))
    assert twice.status_code == 409
    _browser(org.hr_agent).post(
        reverse("feedback:suggestion-comment", args=[suggestion.pk]), {"body": "Same on floor 4."}
    )
    # He comments as "the author (anonymous)"; an empty comment is refused first.
    refused = author.post(private_path, {"action": "comment", "body": " "})
    assert refused.status_code == 422
    commented = author.post(private_path, {"action": "comment", "body": "Also the car park."})
    assert commented.status_code == 302

    lee = api(org.it_lead)
    for body in (
        {"status": "in_progress", "body": "Replacing them this month."},
        {"status": "done", "body": "All replaced.", "what_changed": "New readers on floors 2-4."},
    ):
        answer = lee.post(f"/suggestions/{suggestion.pk}/responses", json=body)
        assert answer.status_code == 201, answer.text
    asked = suggestion_help_due(now=timezone.now() + timedelta(weeks=4, days=1))
    assert asked == 2  # Colin, who voted, and Zebulon on his private page
    helped = author.post(private_path, {"action": "help", "answer": "yes"})
    assert helped.status_code == 302
    notification_deliver_due(now=timezone.now() + timedelta(weeks=5))
    return {"suggestion": suggestion, "path": private_path, "records": list(caplog.records)}


def test_the_database_holds_nothing_of_the_author(org, zebulon, journey):
    suggestion = Suggestion.objects.get(pk=journey["suggestion"].pk)
    assert suggestion.author_id is None and suggestion.is_anonymous
    assert len(suggestion.follow_secret_hash) == 64
    secret = journey["path"].rstrip("/").rsplit("/", 1)[-1]
    assert secret not in suggestion.follow_secret_hash  # only its hash is kept
    assert not Suggestion.objects.filter(author=zebulon).exists()
    assert not Follower.objects.filter(person=zebulon).exists()
    assert not Vote.objects.filter(person=zebulon).exists()
    mine = Comment.objects.get(body="Also the car park.")
    assert mine.author_id is None and mine.by_anonymous_author
    answer = HelpAnswer.objects.get(suggestion=suggestion)
    assert answer.person_id is None and answer.by_anonymous_author and answer.answer == "yes"


@pytest.mark.parametrize("viewer", ["admin", "it_lead", "colleague"])
def test_no_page_shows_the_author(org, zebulon, journey, viewer):
    suggestion = journey["suggestion"]
    browser = _browser(getattr(org, viewer))
    pages = {
        "list": reverse("feedback:suggestions"),
        "list by votes": reverse("feedback:suggestions") + "?sort=votes&status=done",
        "suggestion": reverse("feedback:suggestion", args=[suggestion.pk]),
        "board": reverse("feedback:board"),
        "similar": reverse("feedback:suggestion-similar") + "?title=badge",
    }
    if viewer == "it_lead":
        pages["queue"] = reverse("feedback:suggestion-queue") + "?status=all"
    for where, url in pages.items():
        answer = browser.get(url)
        assert answer.status_code == 200, where
        page = answer.content.decode()
        assert TITLE in page, where
        _assert_nothing_of(page, _traces(zebulon), f"{where} for {viewer}")
    detail = browser.get(pages["suggestion"]).content.decode()
    assert "anonymous" in detail and "The author (anonymous)" in detail


def test_the_csv_export_names_no_author(org, zebulon, journey):
    answer = _browser(org.it_lead).get(reverse("feedback:suggestion-queue-csv") + "?status=all")
    text = b"".join(answer.streaming_content).decode()
    assert TITLE in text and ",anonymous," in text
    _assert_nothing_of(text, _traces(zebulon), "the CSV export")


@pytest.mark.parametrize("viewer", ["admin", "it_lead"])
def test_no_api_answer_names_the_author(org, zebulon, journey, api, viewer):
    suggestion = journey["suggestion"]
    client = api(getattr(org, viewer))
    detail = client.get(f"/suggestions/{suggestion.pk}")
    assert detail.json()["author"] is None and detail.json()["anonymous"] is True
    comments = client.get(f"/suggestions/{suggestion.pk}/comments").json()
    assert {"author": None, "by_anonymous_author": True} in [
        {"author": c["author"], "by_anonymous_author": c["by_anonymous_author"]} for c in comments
    ]
    for path in (
        f"/suggestions/{suggestion.pk}",
        f"/suggestions/{suggestion.pk}/comments",
        "/suggestions",
        "/suggestions?q=badge",
        "/suggestions/board",
        "/suggestions/similar?q=badge",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert TITLE in answer.text or "Also the car park." in answer.text, path
        _assert_nothing_of(answer.text, _traces(zebulon), f"GET {path} for {viewer}")


def test_the_api_hands_the_private_link_once_and_stores_no_author(org, zebulon, api):
    answer = api(zebulon).post(
        "/suggestions",
        json={
            "department": "IT",
            "title": "Quieter printers",
            "body": "Please.",
            "anonymous": True,
        },
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["author"] is None and body["anonymous"] is True
    assert body["follow_url"].startswith("/suggestions/f/")
    _assert_nothing_of(answer.text, _traces(zebulon), "the API's answer")
    assert Suggestion.objects.get(pk=body["id"]).author_id is None
    again = api(zebulon).get(f"/suggestions/{body['id']}").json()
    assert "follow_url" not in again


def test_the_django_admin_shows_and_finds_no_author(org, zebulon, journey):
    suggestion = journey["suggestion"]
    browser = _browser(org.admin)
    changelist = reverse("admin:feedback_suggestion_changelist")
    listed = browser.get(changelist).content.decode()
    assert TITLE in listed and "anonymous" in listed
    _assert_nothing_of(listed, _traces(zebulon), "the admin changelist")
    for word in (zebulon.username, zebulon.last_name, zebulon.email):
        searched = browser.get(changelist, {"q": word}).content.decode()
        assert TITLE not in searched, f"searching {word!r} finds it"
    for view in ("change", "history"):
        page = browser.get(reverse(f"admin:feedback_suggestion_{view}", args=[suggestion.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert TITLE in text
        assert suggestion.follow_secret_hash not in text  # the hash is never shown either
        _assert_nothing_of(text, _traces(zebulon), f"the admin's {view} page")


def test_no_notification_or_mail_names_the_author(org, zebulon, journey, smtp_server):
    suggestion = journey["suggestion"]
    notifications = list(Notification.objects.all())
    new = [n for n in notifications if n.kind == NEW_KIND]
    assert [n.recipient.username for n in new] == ["lee"]
    assert "A colleague (anonymously) suggests" in new[0].body
    # He is told nothing as a person (that would name him): he follows through his link.
    assert not any(n.recipient_id == zebulon.pk for n in notifications)
    for n in notifications:
        text = " ".join([n.subject, n.body, n.url, n.thread_key])
        _assert_nothing_of(text, _traces(zebulon), f"notification {n.kind} to {n.recipient}")
    mails = smtp_server.messages
    assert any(TITLE in str(mail["Subject"]) for mail in mails)
    assert {str(mail["To"]) for mail in mails} >= {"lee@city.example", "colin@city.example"}
    for mail in mails:
        _assert_nothing_of(mail.as_string(), _traces(zebulon), f"the mail {mail['Subject']!r}")
    assert suggestion.pk


def test_no_log_record_names_the_author_or_holds_his_link(org, zebulon, journey):
    secret = journey["path"].rstrip("/").rsplit("/", 1)[-1]
    assert any(r.name == "django.request" for r in journey["records"]), "4xx answers are logged"
    for record in journey["records"]:
        text = f"{record.name} {record.getMessage()} {record.pathname}"
        _assert_nothing_of(text, [*_traces(zebulon), secret], f"log record {text!r}")
        # The request a record carries (Django's request log) is never his private page's.
        request = getattr(record, "request", None)
        assert request is None or secret not in request.path


def test_the_author_still_follows_it_through_the_private_link(org, zebulon, journey):
    page = _browser(zebulon).get(journey["path"]).content.decode()
    assert TITLE in page and "Done" in page
    assert "Replacing them this month." in page and "All replaced." in page
    assert "New readers on floors 2-4." in page
    assert "Same on floor 4." in page and "Also the car park." in page
    assert "The author (anonymous)" in page
    assert "Your answer: yes" in page
    # Signed out, it asks for a sign-in without handing the link to the sign-in page (whose
    # failed attempts are recorded with their address and the username).
    signed_out = Client().get(journey["path"])
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/signin/")
    secret = journey["path"].rstrip("/").rsplit("/", 1)[-1]
    assert secret not in signed_out["Location"]
    # The link is a secret, not a page anyone can guess.
    assert _browser(org.colleague).get("/suggestions/f/guessed-secret/").status_code == 404

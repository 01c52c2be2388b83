"""The survey mail's links: one per answer, each carrying a one-use secret kept only as a hash.
Opening a link (as mail scanners do with every link) records nothing; the page's POST rates,
once; a used, expired, withdrawn or unknown link is a clear 4xx that writes nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from staffdesk.feedback.models import Survey
from staffdesk.notifications.models import Notification
from tests.feedback.survey_helpers import (
    at,
    deliver,
    links,
    path_of,
    reopen,
    resolved_with_open_survey,
    snapshot,
    survey_mails,
    token_of,
)

OPENED = at(11, 12)  # resolved at 10:00, opened by the worker at 12:00
SOON = at(11, 13)


@pytest.fixture
def mailed(org, smtp_server):
    """Rita's IT request resolved, its survey opened and mailed: the request, the survey and
    the mail's {rating: link}."""
    item, survey = resolved_with_open_survey(org)
    deliver(OPENED)
    [mail] = survey_mails(smtp_server, org.requester)
    survey.refresh_from_db()
    return item, survey, links(mail)


def test_the_mail_has_one_link_per_answer_in_words_and_the_survey_page(org, smtp_server):
    _item, survey = resolved_with_open_survey(org)
    deliver(OPENED)
    [mail] = survey_mails(smtp_server, org.requester)
    body = mail.get_content()
    for line in [
        "Very satisfied: http",
        "Satisfied: http",
        "Neither satisfied nor dissatisfied: http",
        "Dissatisfied: http",
        "Very dissatisfied: http",
    ]:
        assert line in body
    assert f"/feedback/surveys/{survey.pk}/" in body  # the signed-in page
    assert len({token_of(link) for link in links(mail).values()}) == 1


def test_only_the_hash_is_stored_and_the_secret_is_in_no_notification(org, mailed):
    _, survey, found = mailed
    secret = token_of(found[4])
    assert survey.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not Survey.objects.filter(token_hash=secret).exists()
    stored = Notification.objects.values_list("subject", "body", "url", "thread_key")
    assert not any(secret in text for row in stored for text in row)


def test_opening_a_link_records_nothing_and_shows_its_answer_selected(org, mailed, client):
    _, _survey, found = mailed
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        for rating, link in found.items():
            response = Client().get(path_of(link))  # a mail scanner, signed out
            assert response.status_code == 200
            html = response.content.decode()
            assert f'value="{rating}" checked' in html
            assert "Nothing is recorded until you confirm" in html
        response = Client().head(path_of(found[2]))
        assert response.status_code == 200
    assert snapshot() == before
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_pages_post_rates_once_with_a_comment(org, mailed):
    _, survey, found = mailed
    browser = Client()
    with time_machine.travel(SOON, tick=False):
        response = browser.post(path_of(found[2]), {"rating": "2", "comment": "Took a week."})
    assert response.status_code == 200
    assert "Your rating is recorded" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.rated_at) == (2, "Took a week.", SOON)

    # The same link again, or another of the same mail: already used; nothing changes.
    before = snapshot()
    with time_machine.travel(SOON + timedelta(minutes=1), tick=False):
        for link in (found[2], found[5]):
            again = browser.post(path_of(link), {"rating": "5"})
            assert again.status_code == 409
            html = again.content.decode()
            assert "This link was already used" in html
            assert f'href="/feedback/surveys/{survey.pk}/"' in html
            assert browser.get(path_of(link)).status_code == 409
    assert snapshot() == before


def test_the_choice_posted_wins_over_the_link_clicked(org, mailed):
    _, survey, found = mailed
    with time_machine.travel(SOON, tick=False):
        Client().post(path_of(found[1]), {"rating": "4"})
    survey.refresh_from_db()
    assert survey.rating == 4


@pytest.mark.parametrize("rating", ["0", "6", "x", "", "2.5", "-1"])
def test_a_rating_outside_one_to_five_is_refused_and_writes_nothing(org, mailed, rating):
    _, _survey, found = mailed
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        response = Client().post(path_of(found[3]), {"rating": rating, "comment": "Hi"})
    assert response.status_code == 422
    assert "Choose one of the five answers" in response.content.decode()
    assert snapshot() == before
    # The link still works after the refusal.
    with time_machine.travel(SOON, tick=False):
        assert Client().post(path_of(found[3]), {"rating": "3"}).status_code == 200


def test_a_comment_too_long_is_refused_and_kept_in_the_form(org, mailed):
    _, _, found = mailed
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        response = Client().post(path_of(found[3]), {"rating": "3", "comment": "x" * 4001})
    assert response.status_code == 422
    html = response.content.decode()
    assert "at most 4,000 characters" in html and "x" * 4001 in html
    assert snapshot() == before


def test_an_expired_link_is_refused(org, mailed):
    _, survey, found = mailed
    before = snapshot()
    closed = survey.closes_at
    with time_machine.travel(closed, tick=False):
        for method in ("get", "post"):
            response = getattr(Client(), method)(path_of(found[5]), {"rating": "5"})
            assert response.status_code == 410
            assert "This survey closed on" in response.content.decode()
    assert snapshot() == before
    # A minute before it closed, it still worked.
    with time_machine.travel(closed - timedelta(minutes=1), tick=False):
        assert Client().post(path_of(found[5]), {"rating": "5"}).status_code == 200


def test_a_withdrawn_survey_link_is_refused(org, mailed):
    item, _, found = mailed
    reopen(item, by=org.requester, now=SOON)
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        response = Client().post(path_of(found[4]), {"rating": "4"})
    assert response.status_code == 410
    assert f"{item.number} was reopened" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("token", ["nonsense", "a" * 43, "x" * 500])
def test_an_unknown_link_is_not_found(org, mailed, token):
    before = snapshot()
    with time_machine.travel(SOON, tick=False):
        assert Client().get(f"/feedback/s/{token}/?rating=5").status_code == 404
        assert Client().post(f"/feedback/s/{token}/", {"rating": "5"}).status_code == 404
    assert snapshot() == before


def test_a_second_mail_of_the_same_survey_replaces_the_secret(org, mailed):
    """A mail retried after a failure carries a new secret; the one before no longer works."""
    from staffdesk.feedback.services.surveys import survey_mail_links

    _, survey, found = mailed
    notification = Notification.objects.get(thread_key=f"survey-{survey.pk}")
    fresh = survey_mail_links(notification)
    assert token_of(found[5]) not in fresh
    with time_machine.travel(SOON, tick=False):
        assert Client().post(path_of(found[5]), {"rating": "5"}).status_code == 404
        new_link = fresh.splitlines()[0].split(": ", 1)[1]
        assert Client().post(path_of(new_link), {"rating": "5"}).status_code == 200


def test_a_link_rating_can_be_changed_signed_in_until_it_closes(org, mailed, client):
    _, survey, found = mailed
    with time_machine.travel(SOON, tick=False):
        Client().post(path_of(found[1]), {"rating": "1"})
        client.force_login(org.requester)
        response = client.post(f"/feedback/surveys/{survey.pk}/", {"rating": "3", "comment": ""})
        assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.rating == 3

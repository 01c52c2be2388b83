"""Questions on an announcement: public ones the audience sees, private ones only the asker
and the publishers; answered (the asker is told) or hidden (the reason kept) by publishers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from staffdesk.announcements.models import Question
from staffdesk.announcements.selectors import question_list
from staffdesk.announcements.services.questions import question_answer, question_ask, question_hide
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.notifications.models import Notification
from tests.announcements.helpers import announce, department, rows, signed_in


@pytest.fixture
def asked(org, published):
    """Rita asks in public, Colin in private."""
    public = question_ask(
        user=org.requester,
        announcement=published,
        text="Do paper receipts still count?",
        is_public=True,
    )
    private = question_ask(
        user=org.colleague,
        announcement=published,
        text="I lost last month's receipts.",
        is_public=False,
    )
    return public, private


def _texts(reader, announcement) -> set[str]:
    return {q.text for q in question_list(user=reader, announcement=announcement)}


def test_a_public_question_is_seen_by_the_audience_a_private_one_by_asker_and_publishers(
    client, org, fin_lead, published, asked
):
    public, private = asked
    everything = {public.text, private.text}
    assert {
        "asker of the public one": _texts(org.requester, published),
        "asker of the private one": _texts(org.colleague, published),
        "publisher": _texts(fin_lead, published),
        "admin": _texts(org.admin, published),
    } == {
        "asker of the public one": {public.text},
        "asker of the private one": everything,
        "publisher": everything,
        "admin": everything,
    }
    signed_in(client, org.requester)
    page = client.get(reverse("announcements:detail", args=[published.pk])).content.decode()
    assert public.text in page and "last month" not in page


def test_asking_tells_the_author_and_answering_tells_the_asker(org, fin_lead, published, asked):
    public, _ = asked
    asks = Notification.objects.filter(recipient=fin_lead, kind="announcement_question")
    assert asks.count() == 2
    assert "(privately)" in asks.get(body__contains="lost").body

    question_answer(actor=fin_lead, question=public, answer="Yes, until March.")

    answered = Notification.objects.get(recipient=org.requester, kind="announcement_question")
    assert "Yes, until March." in answered.body
    assert answered.url.endswith(f"#question-{public.pk}")
    assert "Yes, until March." in {
        q.answer for q in question_list(user=org.colleague, announcement=published)
    }


def test_a_hidden_question_leaves_the_audience_and_keeps_its_reason(
    client, org, fin_lead, published, asked
):
    public, _ = asked
    question_hide(actor=fin_lead, question=public, reason="Answered in the policy itself.")

    assert public.text not in _texts(org.colleague, published)
    assert public.text in _texts(org.requester, published)  # its asker still sees it
    assert public.text in _texts(fin_lead, published)
    kept = Question.objects.get(pk=public.pk)
    assert (kept.hidden_reason, kept.hidden_by) == ("Answered in the policy itself.", fin_lead)
    signed_in(client, org.requester)
    page = client.get(reverse("announcements:detail", args=[published.pk])).content.decode()
    assert "Answered in the policy itself." in page
    with pytest.raises(Conflict):
        question_hide(actor=fin_lead, question=kept, reason="Again.")


def test_only_publishers_answer_or_hide(client, org, fin_lead, published, asked):
    public, private = asked
    before = rows()
    with pytest.raises(PermissionDenied):
        question_answer(actor=org.colleague, question=public, answer="I think so.")
    with pytest.raises(PermissionDenied):
        question_hide(actor=org.colleague, question=public, reason="Mine is better.")

    signed_in(client, org.colleague)
    answer = client.post(
        reverse("announcements:answer", args=[published.pk, public.pk]), {"answer": "I think so."}
    )
    hide = client.post(
        reverse("announcements:hide", args=[published.pk, public.pk]), {"reason": "No."}
    )
    signed_in(client, org.requester)
    # Colin's private question does not exist for Rita.
    other = client.post(
        reverse("announcements:answer", args=[published.pk, private.pk]),
        {"answer": "Me neither."},
    )
    assert (answer.status_code, hide.status_code, other.status_code) == (403, 403, 404)
    assert "publishers answer or hide its questions" in answer.content.decode()
    assert rows() == before
    assert Question.objects.get(pk=public.pk).answer == ""


def test_a_question_needs_words_an_audience_and_a_published_announcement(
    client, org, fin_lead, published
):
    signed_in(client, org.requester)
    before = rows()
    empty = client.post(
        reverse("announcements:ask", args=[published.pk]), {"text": "   ", "visibility": "public"}
    )
    assert empty.status_code == 422
    assert "text" in empty.context["errors"]
    long = client.post(reverse("announcements:ask", args=[published.pk]), {"text": "?" * 4001})
    assert long.status_code == 422
    signed_in(client, org.unrelated)
    stranger = client.post(reverse("announcements:ask", args=[published.pk]), {"text": "Hi?"})
    assert stranger.status_code == 404
    assert rows() == before

    draft = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)], publish=False)
    with pytest.raises(Conflict):
        question_ask(user=fin_lead, announcement=draft, text="Ready?", is_public=True)
    with pytest.raises(ValidationFailed):
        question_hide(actor=fin_lead, question=_a_question(org, published), reason=" ")


def _a_question(org, announcement) -> Question:
    return question_ask(user=org.requester, announcement=announcement, text="Why?", is_public=True)


def test_a_question_asked_on_the_page_is_private_when_chosen(client, org, fin_lead, published):
    signed_in(client, org.colleague)
    response = client.post(
        reverse("announcements:ask", args=[published.pk]),
        {"text": "Can I claim my train fare?", "visibility": "private"},
    )
    assert response.status_code == 302
    asked = Question.objects.get()
    assert (asked.asker, asked.is_public) == (org.colleague, False)
    assert asked.text not in _texts(org.requester, published)

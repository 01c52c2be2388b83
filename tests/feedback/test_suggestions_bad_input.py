"""Bad input to the suggestion box: each refusal is a clear 4xx naming what is wrong, and
nothing is written (no vote, follower, response, status or notification)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from staffdesk.feedback.models import Response, Suggestion
from staffdesk.feedback.services.suggestions import (
    suggestion_merge,
    suggestion_respond,
    suggestion_vote,
)
from tests.feedback.suggestion_helpers import rows, signed_in, state, suggest


@pytest.fixture
def box(org):
    """IT's suggestion `main` (Colin voted), `duplicate` merged into it, `other` open, and
    HR's `hr`."""
    main = suggest(org.requester, to=org.it, title="Room booking online").suggestion
    suggestion_vote(suggestion=main, person=org.colleague)
    duplicate = suggest(org.unrelated, to=org.it, title="Book rooms on the web").suggestion
    suggestion_merge(suggestion=duplicate, into=main, actor=org.it_agent)
    other = suggest(org.unrelated, to=org.it, title="Dark mode").suggestion
    hr = suggest(org.requester, to=org.hr, title="Flexible hours").suggestion
    return {"main": main, "duplicate": duplicate, "other": other, "hr": hr}


# (who, method, path, body, status, words in the message, field named in errors)
CASES = [
    ("colleague", "POST", "/suggestions/{main}/vote", None, 409, "already voted", "person"),
    (
        "requester",
        "POST",
        "/suggestions/{duplicate}/vote",
        None,
        409,
        "vote on {main}",
        "suggestion",
    ),
    ("requester", "DELETE", "/suggestions/{main}/vote", None, 409, "not voted", "person"),
    ("it_agent", "POST", "/suggestions/{other}/merge", {"into": "{other}"}, 422, "itself", "into"),
    (
        "it_agent",
        "POST",
        "/suggestions/{other}/merge",
        {"into": "{duplicate}"},
        409,
        "itself merged into {main}",
        "into",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/merge",
        {"into": "{other}"},
        409,
        "Other suggestions are merged into this one",
        "suggestion",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{duplicate}/merge",
        {"into": "{other}"},
        409,
        "already merged",
        "suggestion",
    ),
    (
        "requester",
        "POST",
        "/suggestions/{other}/merge",
        {"into": "{main}"},
        403,
        "Only the team",
        None,
    ),
    ("it_agent", "POST", "/suggestions/{other}/unmerge", None, 409, "not merged", "suggestion"),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"status": "declined", "body": "  "},
        422,
        "reason",
        "body",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"status": "done", "body": "Done."},
        422,
        "what is different",
        "what_changed",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"status": "sideways", "body": "?"},
        422,
        "cannot be saved",
        "status",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"status": "merged", "body": "x"},
        422,
        "merge it",
        "status",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"body": ""},
        422,
        "write the response",
        "body",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{duplicate}/responses",
        {"body": "Hi"},
        409,
        "respond to that one",
        "suggestion",
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/responses",
        {"status": "submitted", "body": "Back"},
        409,
        "not submitted",
        "status",
    ),
    (
        "requester",
        "POST",
        "/suggestions/{main}/responses",
        {"body": "I answer"},
        403,
        "Only the team",
        None,
    ),
    (
        "hr_agent",
        "POST",
        "/suggestions/{main}/restrict",
        {"restricted": True},
        403,
        "Only the team",
        None,
    ),
    (
        "it_agent",
        "POST",
        "/suggestions/{main}/restrict",
        {"restricted": True},
        409,
        "unmerge",
        "restricted",
    ),
    (
        "colleague",
        "POST",
        "/suggestions/{main}/help",
        {"answer": "yes"},
        409,
        "not been asked",
        None,
    ),
    (
        "colleague",
        "POST",
        "/suggestions/{main}/help",
        {"answer": "maybe"},
        422,
        "yes, partly or no",
        "answer",
    ),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "IT", "title": " ", "body": "x"},
        422,
        "title",
        "title",
    ),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "IT", "title": "x" * 201, "body": "x"},
        422,
        "at most 200",
        "title",
    ),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "IT", "title": "T", "body": ""},
        422,
        "describe",
        "body",
    ),
    ("requester", "POST", "/suggestions", {"title": "T", "body": "B"}, 422, "MAYOR", "department"),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "HR", "title": "T", "body": "B", "service": "it-laptop"},
        422,
        "another department",
        "service",
    ),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "NOPE", "title": "T", "body": "B"},
        404,
        "department",
        None,
    ),
    (
        "requester",
        "POST",
        "/suggestions",
        {"department": "IT", "title": "T", "body": "B", "author": "una"},
        422,
        "cannot be set",
        "author",
    ),
    (
        "it_lead",
        "POST",
        "/suggestions/responses/publish",
        {"department": "IT", "response_ids": []},
        422,
        "Choose",
        "response_ids",
    ),
    (
        "it_lead",
        "POST",
        "/suggestions/responses/publish",
        {"department": "HR", "response_ids": [1]},
        403,
        "Human Resources",
        None,
    ),
    ("requester", "GET", "/suggestions?status=lost", None, 422, "Unknown status", "status"),
    ("requester", "GET", "/suggestions?sort=random", None, 422, "Unknown sort", "sort"),
    ("requester", "GET", "/suggestions?cursor=nonsense", None, 422, "no longer valid", "cursor"),
    ("requester", "GET", "/suggestions/9223372036854775808", None, 422, "", "suggestion_id"),
    ("requester", "GET", "/suggestions/999999", None, 404, "No suggestion", None),
]


def _fill(value, box):
    names = {name: suggestion.pk for name, suggestion in box.items()}
    if isinstance(value, str):
        filled = value.format(**names)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {key: _fill(item, box) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("who", "method", "path", "body", "status", "words", "field"), CASES)
def test_refused_over_the_api_and_nothing_is_written(
    org, api, box, who, method, path, body, status, words, field
):
    before = rows(), [state(s) for s in box.values()]
    answer = api(getattr(org, who)).request(method, _fill(path, box), json=_fill(body, box))
    assert answer.status_code == status, answer.text
    message = answer.json()["message"]
    assert _fill(words, box) in message, message
    if field is not None:
        assert field in answer.json()["errors"], answer.json()
    assert (rows(), [state(s) for s in box.values()]) == before


def test_a_batch_with_one_refused_draft_publishes_none(org, api, box):
    good = suggestion_respond(
        suggestion=box["other"],
        actor=org.it_agent,
        body="Planned.",
        status="planned",
        publish=False,
    )
    # Valid when written, refused when published: the suggestion was declined meanwhile.
    stale = suggestion_respond(
        suggestion=box["main"], actor=org.it_agent, body="Soon.", status="planned", publish=False
    )
    suggestion_respond(
        suggestion=box["main"], actor=org.it_agent, body="No budget.", status="declined"
    )
    before = rows(), [state(s) for s in box.values()]
    answer = api(org.it_lead).post(
        "/suggestions/responses/publish",
        json={"department": "IT", "response_ids": [good.pk, stale.pk]},
    )
    assert answer.status_code == 409, answer.text
    assert "declined" in answer.json()["message"]
    assert (rows(), [state(s) for s in box.values()]) == before
    assert Response.objects.get(pk=good.pk).published_at is None
    # An already published response, or another department's, is refused by its id.
    published = Response.objects.filter(published_at__isnull=False).first()
    again = api(org.it_lead).post(
        "/suggestions/responses/publish",
        json={"department": "IT", "response_ids": [good.pk, published.pk]},
    )
    assert again.status_code == 409 and str(published.pk) in again.json()["message"]
    hr_draft = suggestion_respond(
        suggestion=box["hr"], actor=org.hr_agent, body="Hm.", publish=False
    )
    foreign = api(org.it_lead).post(
        "/suggestions/responses/publish",
        json={"department": "IT", "response_ids": [good.pk, hr_draft.pk]},
    )
    assert foreign.status_code == 404
    assert Response.objects.filter(published_at__isnull=True).count() == 3


def test_declining_on_the_page_without_a_reason_says_why_and_writes_nothing(org, box):
    browser = signed_in(org.it_agent)
    before = rows(), state(box["other"])
    answer = browser.post(
        reverse("feedback:suggestion-respond", args=[box["other"].pk]),
        {"status": "declined", "body": "", "publish": "publish"},
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "declining needs a reason" in page and 'aria-invalid="true"' in page
    assert (rows(), state(box["other"])) == before


def test_voting_twice_on_the_page_is_a_409_and_counts_once(org, box):
    browser = signed_in(org.colleague)
    answer = browser.post(reverse("feedback:suggestion-vote", args=[box["main"].pk]))
    assert answer.status_code == 409
    assert "already voted" in answer.content.decode()
    assert Suggestion.objects.get(pk=box["main"].pk).vote_count == 1


def test_merging_into_a_suggestion_one_cannot_see_is_not_found(org, box):
    box["hr"].restricted = True
    box["hr"].save()
    browser = signed_in(org.it_agent)
    before = rows(), state(box["other"])
    answer = browser.post(
        reverse("feedback:suggestion-merge", args=[box["other"].pk]), {"into": box["hr"].pk}
    )
    assert answer.status_code == 404
    assert (rows(), state(box["other"])) == before


@pytest.mark.parametrize(
    "data",
    [{"department": "x", "title": "T", "body": "B"}, {"department": str(2**63), "title": "T"}],
)
def test_the_form_refuses_ids_that_are_not_ids(org, data):
    browser = signed_in(org.requester)
    answer = browser.post(reverse("feedback:suggestion-new"), data)
    assert answer.status_code == 422
    assert "Check the form" in answer.content.decode()
    assert Suggestion.objects.count() == 0

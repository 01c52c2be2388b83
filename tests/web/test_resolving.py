"""Resolving, cancelling and answering a resolved request, on the request page and in the API:
a thank-you stays a comment, reopening is explicit, a resolution says what was done."""

from __future__ import annotations

import pytest

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request, RequestEvent, ResolutionCode, Status
from staffdesk.requests.services import request_submit, request_transition, watcher_add
from tests.web.test_request_page import HTMX, _get, _post, _text


@pytest.fixture
def filed(org) -> Request:
    return request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)


@pytest.fixture
def resolved(org, filed) -> Request:
    request_transition(request=filed, actor=org.it_point, to_status="in_progress")
    request_transition(
        request=filed, actor=org.it_point, to_status="resolved", note="Swapped the battery."
    )
    return Request.objects.get(pk=filed.pk)


@pytest.fixture
def codes(org) -> list[ResolutionCode]:
    return [
        ResolutionCode.objects.create(department=org.it, code="replaced", label="Replaced"),
        ResolutionCode.objects.create(department=org.it, code="advice", label="Advice given"),
        ResolutionCode.objects.create(
            department=org.it, code="old", label="Retired code", is_active=False
        ),
    ]


def _status(item: Request) -> str:
    return Request.objects.get(pk=item.pk).status


# --- A reply to a resolved request -------------------------------------------------------


def test_a_thank_you_on_a_resolved_request_stays_a_comment(client, org, resolved):
    page = _text(_get(client, org.requester, resolved))
    assert "Add a comment" in page and "It\u2019s not fixed — reopen" in page
    assert "The request stays resolved unless you reopen it." in page
    response = _post(client, org.requester, resolved, "reply", {"body": "Thanks, all good!"})
    assert response.status_code == 302
    item = Request.objects.get(pk=resolved.pk)
    assert item.status == Status.RESOLVED and item.resolved_at == resolved.resolved_at
    reply = RequestEvent.objects.filter(request=item, kind=RequestEvent.Kind.REPLY).last()
    assert reply.body == "Thanks, all good!"


def test_not_fixed_reopens_explicitly(client, org, resolved):
    response = _post(
        client, org.requester, resolved, "reply", {"body": "Still dead.", "reopen": "yes"}, **HTMX
    )
    assert response.status_code == 200
    assert "Reply sent; the request is open again." in _text(response)
    assert _status(resolved) == Status.IN_PROGRESS
    assert "Rita Requester reopened the request: Resolved → In progress" in _text(response)


def test_the_api_makes_the_same_distinction(org, resolved, api):
    rita = api(org.requester)
    comment = rita.post(f"/requests/{resolved.number}/replies", json={"body": "Thanks!"})
    assert comment.status_code == 201 and _status(resolved) == Status.RESOLVED
    reopened = rita.post(
        f"/requests/{resolved.number}/replies", json={"body": "Not fixed.", "reopen": True}
    )
    assert reopened.status_code == 201 and _status(resolved) == Status.IN_PROGRESS
    again = rita.post(f"/requests/{resolved.number}/replies", json={"body": "x", "reopen": True})
    assert again.status_code == 409
    assert "not resolved" in again.json()["message"]


def test_a_watcher_may_comment_but_not_reopen(org, resolved, api):
    watcher_add(request=resolved, actor=org.requester, person=org.colleague)
    colin = api(org.colleague)
    refused = colin.post(
        f"/requests/{resolved.number}/replies", json={"body": "Mine too.", "reopen": True}
    )
    assert refused.status_code == 403 and _status(resolved) == Status.RESOLVED
    assert not RequestEvent.objects.filter(request=resolved, body="Mine too.").exists()
    assert (
        colin.post(f"/requests/{resolved.number}/replies", json={"body": "Ok"}).status_code == 201
    )


# --- Cancelling ---------------------------------------------------------------------------


def test_cancel_asks_first_and_its_reason_is_on_the_timeline(client, org, filed):
    page = _get(client, org.requester, filed).content.decode()
    assert '<summary class="btn btn-outline-danger">Cancel…</summary>' in page
    assert "Cancelling ends the request for good" in page
    response = _post(
        client,
        org.requester,
        filed,
        "transition",
        {"status": "cancelled", "note": "Found a spare laptop in the office."},
        **HTMX,
    )
    assert response.status_code == 200 and _status(filed) == Status.CANCELLED
    text = _text(response)
    assert "Rita Requester changed the status: New → Cancelled" in text
    assert "Found a spare laptop in the office." in text


# --- Resolving ------------------------------------------------------------------------------


def test_resolving_asks_for_a_note_and_keeps_what_was_typed(client, org, filed, codes):
    request_transition(request=filed, actor=org.it_point, to_status="in_progress")
    page = _get(client, org.it_point, filed).content.decode()
    assert '<option value="replaced">Replaced</option>' in page
    assert "Retired code" not in page  # inactive codes are not offered
    refused = _post(
        client,
        org.it_point,
        filed,
        "transition",
        {"status": "resolved", "note": "  ", "resolution_code": "replaced"},
        **HTMX,
    )
    assert refused.status_code == 422 and _status(filed) == Status.IN_PROGRESS
    html = refused.content.decode()
    assert 'id="resolve-note-errors"' in html and "the resolution note is required" in html
    assert '<details class="move" open>' in html
    assert '<option value="replaced" selected>Replaced</option>' in html


def test_a_resolution_note_and_code_are_on_the_timeline_and_in_the_api(
    client,
    org,
    filed,
    codes,
    api,
):
    request_transition(request=filed, actor=org.it_point, to_status="in_progress")
    response = _post(
        client,
        org.it_point,
        filed,
        "transition",
        {"status": "resolved", "note": "New battery fitted.", "resolution_code": "replaced"},
        **HTMX,
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Pete Point changed the status: In progress → Resolved (Replaced)" in text
    assert "New battery fitted." in text
    detail = api(org.requester).get(f"/requests/{filed.number}").json()
    assert detail["resolution_code"] == "replaced"
    status = [e for e in detail["timeline"] if e["kind"] == "status"][-1]
    assert status["body"] == "New battery fitted."
    assert status["data"]["resolution"] == "Replaced"

    reopened = api(org.requester).post(
        f"/requests/{filed.number}/transition", json={"status": "in_progress"}
    )
    assert reopened.json()["resolution_code"] is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"status": "resolved", "resolution_code": "nonsense"}, "use one of: advice, replaced"),
        ({"status": "resolved", "resolution_code": "old"}, "use one of: advice, replaced"),
        ({"status": "acknowledged", "resolution_code": "replaced"}, "goes with resolving only"),
    ],
)
def test_a_wrong_resolution_code_is_refused_naming_the_codes(
    org, filed, codes, api, payload, message
):
    response = api(org.it_point).post(f"/requests/{filed.number}/transition", json=payload)
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert "resolution_code" in response.json()["errors"]
    assert _status(filed) == Status.NEW


# --- What else the requester is waiting for ------------------------------------------------


def test_the_team_sees_the_requesters_other_open_requests(client, org, filed):
    others = [
        request_submit(
            requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS, subject=f"Dock {i}"
        )
        for i in range(6)
    ]
    request_transition(request=others[0], actor=org.it_point, to_status="cancelled")
    leave = request_submit(requester=org.requester, service=org.leave, answers={"reason": "Rest"})
    page = _text(_get(client, org.it_point, filed))
    assert "Rita Requester\u2019s other open requests" in page
    for other in others[1:]:
        assert f"{other.number} {other.subject}" in page
    assert others[0].number not in page  # cancelled: not open
    assert leave.number not in page  # a confidential HR case IT may not see
    assert filed.number + " New laptop" not in page.split("other open requests")[1]
    assert "And more: the newest 5 are shown." not in page  # exactly five others
    assert "other open requests" not in _text(_get(client, org.requester, filed))

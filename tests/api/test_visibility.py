"""Acceptance: who sees what, over every endpoint and page that returns request data.

Every route under /api/v1/requests/{number} must be registered in ENDPOINTS (checked against
the OpenAPI document), so a new endpoint cannot forget the visibility rule unnoticed.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.services import attachment_add, request_add_note, request_submit

ROLES = ["requester", "colleague", "unrelated", "it_agent", "hr_agent", "it_lead", "admin"]

# Who may see each kind of request.
SEES = {
    "it": {"requester", "it_agent", "it_lead", "admin"},
    "hr_confidential": {"requester", "hr_agent"},
}
# Who may see the IT request's internal note and internal attachment: the IT team only.
SEES_INTERNAL = {"it_agent", "it_lead"}

# (method, path template, body) for each endpoint that reads or acts on one request; a
# caller who may not see the request must get 404 from every one of them.
ENDPOINTS = [
    ("GET", "/requests/{number}", None),
    ("GET", "/requests/{number}/attachments", None),
    ("GET", "/requests/{number}/attachments/{attachment_id}", None),
    ("GET", "/requests/{number}/watchers", None),
    ("POST", "/requests/{number}/watchers", {"person_id": "{colleague_id}"}),
    ("DELETE", "/requests/{number}/watchers/{colleague_id}", None),
    ("POST", "/requests/{number}/replies", {"body": "hello"}),
    ("POST", "/requests/{number}/notes", {"body": "note"}),
    ("POST", "/requests/{number}/transition", {"status": "acknowledged"}),
    ("POST", "/requests/{number}/assign", {"assignee_id": None}),
    ("POST", "/requests/{number}/priority", {"priority": 1}),
    ("POST", "/requests/{number}/attachments", "file"),
    ("GET", "/requests/{number}/escalations", None),
    ("POST", "/requests/{number}/escalate", {"reason": "Nobody has answered."}),
]
WEB_PAGES = ["/requests/{number}", "/requests/{number}/attachments/{attachment_id}"]


@pytest.fixture
def cases(org):
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


def _fill(template, **values):
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, **values) for k, v in template.items()}
    return template


def test_every_request_route_is_in_the_matrix(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path.removeprefix("/api/v1").replace("{person_id}", "{colleague_id}"))
        for path, operations in paths.items()
        if "{number}" in path
        for method in operations
    }
    assert routes == {(method, path) for method, path, _ in ENDPOINTS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_request_endpoints_by_role(org, api, cases, role, case):
    request, attachment = cases[case]
    client = api(getattr(org, role))
    values = {
        "number": request.number,
        "attachment_id": attachment.pk,
        "colleague_id": org.colleague.pk,
    }
    visible = role in SEES[case]
    for method, template, body in ENDPOINTS:
        path = _fill(template, **values)
        if body == "file":
            response = client.post(path, files={"file": ("a.txt", b"data")})
        elif body is None:
            response = client.request(method, path)
        else:
            response = client.request(method, path, json=_fill(body, **values))
        if visible:
            assert response.status_code != 404, (method, path, response.text)
        else:
            assert response.status_code == 404, (method, path, response.status_code)

    listed = {r["number"] for r in client.get("/requests", params={"limit": 200}).json()["items"]}
    searched = {
        r["number"] for r in client.get("/requests", params={"q": "flickers"}).json()["items"]
    }
    counts = client.get("/requests/counts", params={"q": "flickers"}).json()
    if visible:
        assert request.number in listed and request.number in searched
    else:
        assert request.number not in listed and request.number not in searched
    assert counts["total"] == len(searched)


@pytest.mark.parametrize("role", ROLES)
def test_internal_notes_and_files_only_for_the_providing_team(org, api, cases, role):
    request, _ = cases["it"]
    client = api(getattr(org, role))
    if role not in SEES["it"]:
        return
    detail = client.get(f"/requests/{request.number}").json()
    bodies = [event["body"] for event in detail["timeline"]]
    files = {a["filename"] for a in client.get(f"/requests/{request.number}/attachments").json()}
    download = client.get(f"/requests/{request.number}/attachments/{cases['internal_file'].pk}")
    if role in SEES_INTERNAL:
        assert "Secret vendor price" in bodies and "internal.txt" in files
        assert download.status_code == 200
    else:
        assert "Secret vendor price" not in bodies and "internal.txt" not in files
        assert download.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ["it", "hr_confidential"])
def test_web_pages_by_role(org, cases, role, case):
    request, attachment = cases[case]
    browser = Client()
    browser.force_login(getattr(org, role))
    for template in WEB_PAGES:
        response = browser.get(template.format(number=request.number, attachment_id=attachment.pk))
        assert response.status_code == (200 if role in SEES[case] else 404), template
    home = browser.get("/").content.decode()
    if role == "requester":
        assert request.number in home


def test_downloads_are_attachments_never_rendered(org, api, cases):
    request, attachment = cases["it"]
    response = api(org.requester).get(f"/requests/{request.number}/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"flicker log"


def test_watcher_sees_ordinary_request_but_never_a_confidential_one(org, api, cases):
    it, _ = cases["it"]
    colleague = api(org.colleague)
    assert colleague.get(f"/requests/{it.number}").status_code == 404
    added = api(org.requester).post(
        f"/requests/{it.number}/watchers", json={"person_id": org.colleague.pk}
    )
    assert added.status_code == 201
    assert colleague.get(f"/requests/{it.number}").status_code == 200
    hr, _ = cases["hr_confidential"]
    refused = api(org.requester).post(
        f"/requests/{hr.number}/watchers", json={"person_id": org.colleague.pk}
    )
    assert refused.status_code == 422
    assert "confidential" in refused.json()["message"]

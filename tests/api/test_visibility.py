"""Acceptance: who sees what, over every endpoint and page that returns request data.

Every route under /api/v1/requests/{number} must be registered in ENDPOINTS (checked against
the OpenAPI document), so a new endpoint cannot forget the visibility rule unnoticed.
"""

from __future__ import annotations

import pytest

ROLES = ["requester", "colleague", "unrelated", "it_agent", "hr_agent", "it_lead", "admin"]
# What each role is to each case: the requester's side, the providing team, an organization
# admin; a role absent from a case's row may not see that request (404 everywhere).
SIDES = {
    "it": {"requester": "requester", "it_agent": "team", "it_lead": "team", "admin": "admin"},
    "hr_confidential": {"requester": "requester", "hr_agent": "team"},
}

# Who may see each kind of request.
SEES = {case: set(sides) for case, sides in SIDES.items()}
# Who may see the IT request's internal note and internal attachment: the IT team only.
SEES_INTERNAL = {"it_agent", "it_lead"}

# (method, path template, body, statuses) for each endpoint that reads or acts on one
# request, run in this order by each role. `statuses` is the exact answer for each side that
# may see the request, per case (it: requester, team, admin; hr_confidential: requester,
# team); a caller who may not see the request gets 404 from every one of them.
ENDPOINTS = [
    ("GET", "/requests/{number}", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/attachments", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/attachments/{attachment_id}", None, (200, 200, 200), (200, 200)),
    ("GET", "/requests/{number}/watchers", None, (200, 200, 200), (200, 200)),
    # Admins may read what is not confidential, not act on it; a confidential case has no
    # watchers (422).
    (
        "POST",
        "/requests/{number}/watchers",
        {"person_id": "{colleague_id}"},
        (201, 201, 403),
        (422, 422),
    ),
    ("DELETE", "/requests/{number}/watchers/{colleague_id}", None, (204, 204, 403), (204, 204)),
    ("POST", "/requests/{number}/replies", {"body": "hello"}, (201, 201, 201), (201, 201)),
    ("POST", "/requests/{number}/notes", {"body": "note"}, (403, 201, 403), (403, 201)),
    # The requester's side may only cancel: acknowledging is a move it cannot make (409).
    (
        "POST",
        "/requests/{number}/transition",
        {"status": "acknowledged"},
        (409, 200, 409),
        (409, 200),
    ),
    ("POST", "/requests/{number}/assign", {"assignee_id": None}, (403, 200, 403), (403, 200)),
    ("POST", "/requests/{number}/priority", {"priority": 1}, (403, 200, 403), (403, 200)),
    ("POST", "/requests/{number}/attachments", "file", (201, 201, 201), (201, 201)),
    ("GET", "/requests/{number}/escalations", None, (200, 200, 200), (200, 200)),
    # Only the requester's side escalates, and not before a target has passed (409).
    (
        "POST",
        "/requests/{number}/escalate",
        {"reason": "Nobody has answered."},
        (409, 403, 403),
        (409, 403),
    ),
]
SIDE_ORDER = {"it": ("requester", "team", "admin"), "hr_confidential": ("requester", "team")}


def expected(case: str, role: str, statuses: dict[str, tuple[int, ...]]) -> int:
    """The exact status a role gets from one route for one case (404 when it may not see)."""
    side = SIDES[case].get(role)
    if side is None:
        return 404
    return statuses[case][SIDE_ORDER[case].index(side)]


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
    assert routes == {(method, path) for method, path, *_ in ENDPOINTS}


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
    for method, template, body, it_statuses, hr_statuses in ENDPOINTS:
        path = _fill(template, **values)
        if body == "file":
            response = client.post(path, files={"file": ("a.txt", b"data")})
        elif body is None:
            response = client.request(method, path)
        else:
            response = client.request(method, path, json=_fill(body, **values))
        want = expected(case, role, {"it": it_statuses, "hr_confidential": hr_statuses})
        assert response.status_code == want, (method, path, response.status_code, response.text)

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


@pytest.mark.parametrize("role", sorted(SEES["it"]))
def test_internal_notes_and_files_only_for_the_providing_team(org, api, cases, role):
    request, _ = cases["it"]
    client = api(getattr(org, role))
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

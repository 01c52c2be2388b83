"""Acceptance: the whole life of a request through the API alone, as a new user would try it."""

from datetime import timedelta

import httpx
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.config import worker
from tests.factories import PASSWORD


def _token_for(live_server, username: str) -> str:
    response = httpx.post(
        f"{live_server.url}/api/v1/me/tokens", auth=(username, PASSWORD), json={"name": "my script"}
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def _client(live_server, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{live_server.url}/api/v1", headers={"Authorization": f"Bearer {token}"}
    )


def test_token_then_catalog_then_request_lifecycle(org, live_server, transactional_db, smtp_server):
    rita = _client(live_server, _token_for(live_server, "rita"))

    me = rita.get("/me").json()
    assert me["username"] == "rita" and me["department"] == "FIN"

    services = rita.get("/services", params={"q": "laptop"}).json()
    assert [s["code"] for s in services] == ["it-laptop"]
    form = rita.get("/services/it-laptop").json()["form"]
    assert [(f["code"], f["datatype"], f["required"]) for f in form] == [
        ("model", "singlevaluelist", True),
        ("quantity", "number", True),
        ("needed_by", "datetime", False),
    ]
    assert [v["key"] for v in form[0]["values"]] == ["standard", "power"]

    filed = rita.post(
        "/requests",
        json={
            "service": "it-laptop",
            "subject": "Laptop for new hire",
            "answers": {**LAPTOP_ANSWERS, "needed_by": "2026-12-01T09:00:00+00:00"},
        },
    )
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    assert filed.json()["assignee"]["name"] == "Pete Point"
    assert filed.json()["status"] == "new"

    pete = _client(live_server, _token_for(live_server, "pete"))
    queue = pete.get("/requests", params={"assignee": "me", "status": "new"}).json()
    assert [r["number"] for r in queue["items"]] == [number]
    assert (
        pete.post(f"/requests/{number}/transition", json={"status": "acknowledged"}).status_code
        == 200
    )
    reply = pete.post(f"/requests/{number}/replies", json={"body": "Your laptop ships Monday."})
    assert reply.status_code == 201
    assert (
        pete.post(f"/requests/{number}/notes", json={"body": "Order from stock room B"}).status_code
        == 201
    )

    seen = rita.get(f"/requests/{number}").json()
    bodies = [e["body"] for e in seen["timeline"]]
    assert "Your laptop ships Monday." in bodies
    assert "Order from stock room B" not in bodies
    notices = rita.get("/me/notifications").json()
    assert {n["kind"] for n in notices} >= {"request_acknowledged", "request_reply"}
    worker.tick()
    mails = [m for m in smtp_server.messages if m["To"] == "rita@city.example"]
    assert [m["Subject"] for m in mails] == [
        f"[{number}] Acknowledged: Laptop for new hire",
        f"[{number}] New reply: Laptop for new hire",
    ]
    assert "Your laptop ships Monday." in mails[1].get_content()
    assert "Order from stock room B" not in "".join(m.get_content() for m in mails)

    resolved = pete.post(f"/requests/{number}/transition", json={"status": "resolved"})
    assert resolved.json()["status"] == "resolved"
    assert rita.get(f"/requests/{number}").json()["allowed_transitions"] == [
        "closed",
        "in_progress",
    ]
    reopened = rita.post(f"/requests/{number}/transition", json={"status": "in_progress"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["resolved_at"] is None
    kinds = [(e["kind"], e["data"].get("to")) for e in reopened.json()["timeline"]]
    assert ("status", "resolved") in kinds and kinds[-1] == ("status", "in_progress")


def test_new_request_goes_to_delegate_when_point_person_is_away(org, api):
    org.it_point.away_until = timezone.localdate() + timedelta(days=3)
    org.it_point.delegate = org.it_agent
    org.it_point.save()
    filed = api(org.requester).post(
        "/requests", json={"service": "it-laptop", "answers": LAPTOP_ANSWERS}
    )
    assert filed.json()["assignee"]["name"] == "Alex Agent"


def test_token_is_shown_once_and_can_be_revoked(org, live_server, transactional_db):
    token = _token_for(live_server, "rita")
    client = _client(live_server, token)
    listed = client.get("/me/tokens").json()
    assert len(listed) == 1 and "token" not in listed[0]
    assert token.startswith(listed[0]["prefix"])
    assert client.delete(f"/me/tokens/{listed[0]['id']}").status_code == 204
    assert client.get("/me").status_code == 401


def test_wrong_password_gets_no_token(org, live_server, transactional_db):
    response = httpx.post(
        f"{live_server.url}/api/v1/me/tokens", auth=("rita", "wrong"), json={"name": "x"}
    )
    assert response.status_code == 401
    assert "Authentication required" in response.json()["message"]


def test_session_auth_requires_csrf_on_unsafe_methods(org, client):
    client.force_login(org.requester)
    csrf_client_response = client.get("/api/v1/me")
    assert csrf_client_response.status_code == 200
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(org.requester)
    refused = strict.post(
        "/api/v1/requests",
        {"service": "it-laptop", "answers": LAPTOP_ANSWERS},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    strict.get("/")  # any page with a form sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(
        "/api/v1/requests",
        {"service": "it-laptop", "answers": LAPTOP_ANSWERS},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201, accepted.content


def test_openapi_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/requests" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200

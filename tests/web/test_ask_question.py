"""The "Ask a question" form of an information-only service's page."""

from __future__ import annotations

from staffdesk.catalog.models import Service
from staffdesk.requests.models import Request
from tests.factories import ServiceFactory
from tests.web.test_catalog_pages import Page, _get


def _wifi(org) -> Service:
    return ServiceFactory(
        department=org.it,
        code="it-guest-wifi",
        name="Guest Wi-Fi",
        fulfilment=Service.Fulfilment.INFORMATION,
        point_person=org.it_agent,
    )


def test_an_information_page_offers_to_ask_its_point_person(org, client):
    _wifi(org)
    client.force_login(org.requester)

    page = _get(client, "/requests/new/it-guest-wifi")

    form = page.one("form", action="/requests/new/it-guest-wifi/ask")
    assert dict(form.attributes)["method"] == "post"
    assert page.label_for("question") == "Your question"
    assert "It goes to Alex Agent (Information Technology)" in page.described_by(
        page.by_id("question")
    )


def test_asking_files_a_request_and_lands_on_it(org, client):
    _wifi(org)
    client.force_login(org.requester)

    response = client.post(
        "/requests/new/it-guest-wifi/ask", {"question": "Is there guest Wi-Fi in the annex?"}
    )

    asked = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{asked.number}"
    assert asked.assignee == org.it_agent and asked.requester == org.requester
    landed = _get(client, response["Location"])
    assert f"Question sent as {asked.number}; Alex Agent is on it." in landed.text
    assert "Question: Is there guest Wi-Fi in the annex?" in landed.text


def test_an_empty_question_comes_back_with_its_error(org, client):
    _wifi(org)
    client.force_login(org.requester)

    response = client.post("/requests/new/it-guest-wifi/ask", {"question": " "})

    assert response.status_code == 422
    page = Page(response)
    assert "write your question" in page.text
    assert dict(page.by_id("question").attributes)["aria-invalid"] == "true"
    assert page.all("a", href="#question")
    assert not Request.objects.exists()


def test_a_service_with_a_form_takes_no_questions(org, client):
    client.force_login(org.requester)

    response = client.post("/requests/new/it-laptop/ask", {"question": "Which model?"})

    assert response.status_code == 422
    assert not Request.objects.exists()
    assert client.get("/requests/new/it-laptop/ask").status_code == 405

"""The home page's search in people's words: ranked matches, and the general service last."""

from __future__ import annotations

import pytest

from tests.factories import ServiceFactory
from tests.web.test_catalog_pages import Page, _get


@pytest.fixture
def payroll(org, settings):
    settings.STAFFDESK_GENERAL_SERVICE = "service-desk"
    ServiceFactory(
        department=org.it,
        code="service-desk",
        name="Service desk: ask anything",
        point_person=org.it_point,
    )
    return ServiceFactory(
        department=org.fin,
        code="fin-payroll",
        name="Paycheck or payroll problem",
        keywords="paycheck, pay stub, W-2, overtime",
    )


def _links(page: Page) -> list[str]:
    return [
        dict(a.attributes)["href"]
        for a in page.all("a")
        if dict(a.attributes).get("href", "").startswith("/requests/new/")
    ]


def test_a_sentence_finds_the_service_and_ends_with_the_service_desk(org, client, payroll):
    client.force_login(org.requester)

    page = _get(client, "/?q=my+paycheck+is+wrong")

    assert _links(page) == ["/requests/new/fin-payroll", "/requests/new/service-desk"]
    assert "Not sure? Ask the service desk Service desk: ask anything" in page.text


def test_nothing_found_still_offers_the_service_desk(org, client, payroll):
    client.force_login(org.requester)

    page = _get(client, "/?q=zeppelin")

    assert "No service matches “zeppelin”" in page.text
    assert _links(page) == ["/requests/new/service-desk"]


def test_search_as_you_type_ranks_and_ends_with_the_service_desk(org, client, payroll):
    client.force_login(org.requester)

    response = client.get("/", {"q": "payc"}, headers={"HX-Request": "true"})

    page = Page(response)
    assert "<html" not in response.content.decode()
    assert _links(page) == ["/requests/new/fin-payroll", "/requests/new/service-desk"]


def test_a_long_list_is_cut_but_still_ends_with_the_service_desk(org, client, payroll):
    for number in range(30):
        ServiceFactory(department=org.fin, name=f"Overtime form {number}", keywords="overtime")
    client.force_login(org.requester)

    page = _get(client, "/?q=overtime")

    links = _links(page)
    assert len(links) == 26 and links[-1] == "/requests/new/service-desk"
    assert "Showing the first 25" in page.text


def test_the_api_searches_the_same_way(org, client, payroll):
    client.force_login(org.requester)

    response = client.get("/api/v1/services", {"q": "W-2"})

    assert response.status_code == 200
    assert [s["code"] for s in response.json()] == ["fin-payroll", "service-desk"]

"""Searching in one's own words and asking an information-only service, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffdesk.catalog.models import Service
from staffdesk.requests.models import Request
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, ServiceFactory

pytestmark = pytest.mark.browser
VIEWPORTS = [({"width": 1280, "height": 900}, ""), ({"width": 375, "height": 800}, "-375")]


@pytest.fixture
def catalog(transactional_db, org, settings):
    settings.STAFFDESK_GENERAL_SERVICE = "service-desk"
    ServiceFactory(
        department=org.it,
        code="service-desk",
        name="Service desk: ask anything",
        point_person=org.it_point,
    )
    ServiceFactory(
        department=org.fin,
        code="fin-payroll",
        name="Paycheck or payroll problem",
        keywords="paycheck, pay stub, W-2, overtime",
    )
    return ServiceFactory(
        department=org.it,
        code="it-guest-wifi",
        name="Guest Wi-Fi",
        description="Visitors connect to City-Guest and accept the terms.",
        fulfilment=Service.Fulfilment.INFORMATION,
        point_person=org.it_agent,
    )


def _fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_sentence_typed_finds_payroll_and_ends_with_the_service_desk(
    org, catalog, live_server, page: Page
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.evaluate("window.__marker = 1")

    page.get_by_label("Search services").press_sequentially("my paycheck is wrong", delay=20)

    results = page.locator("#service-results")
    expect(results.get_by_role("heading")).to_have_text("Services matching “my paycheck is wrong”")
    links = results.get_by_role("link")
    expect(links).to_have_text(["Paycheck or payroll problem", "Service desk: ask anything"])
    expect(results.get_by_text("Not sure? Ask the service desk")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    page.get_by_label("Search services").fill("zeppelin")
    expect(results.get_by_text("No service matches “zeppelin”")).to_be_visible()
    expect(results.get_by_role("link", name="Service desk: ask anything")).to_be_visible()
    for viewport, suffix in VIEWPORTS:
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/?q=my+paycheck+is+wrong")
        check_accessibility(page, f"home-search-sentence{suffix}")
        if suffix:
            _fits_a_phone(page)


def test_an_employee_asks_an_information_service_and_lands_on_the_request(
    org, catalog, live_server, page: Page
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    for viewport, suffix in VIEWPORTS:
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/requests/new/it-guest-wifi")
        expect(page.get_by_role("heading", name="Guest Wi-Fi", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Ask a question")).to_be_visible()
        check_accessibility(page, f"information-ask{suffix}")
        if suffix:
            _fits_a_phone(page)
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_label("Your question")).to_have_accessible_description(
        re.compile("write your question")
    )
    check_accessibility(page, "information-ask-error-375")

    question = page.get_by_label("Your question")
    expect(question).to_have_accessible_description(re.compile("It goes to Alex Agent"))
    question.fill("Can visitors stay connected for a two-day workshop?")
    page.get_by_role("button", name="Send the question").click()

    expect(page.get_by_role("heading", name=re.compile(r"^IT-\d{6}"))).to_be_visible()
    asked = Request.objects.get()
    expect(page.get_by_role("status")).to_have_text(
        f"Question sent as {asked.number}; Alex Agent is on it."
    )
    expect(
        page.get_by_text("Question: Can visitors stay connected for a two-day workshop?").first
    ).to_be_visible()
    assert asked.assignee == org.it_agent and asked.service == catalog
    for viewport, suffix in VIEWPORTS:
        page.set_viewport_size(viewport)
        page.reload()
        check_accessibility(page, f"information-asked{suffix}")
        if suffix:
            _fits_a_phone(page)

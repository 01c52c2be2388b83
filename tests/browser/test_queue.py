"""The agent queue and "My requests" in a real Chromium: htmx filtering, paging, accessibility."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Status
from staffdesk.requests.services import request_submit, request_transition
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, ServiceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def it_requests(org, live_server, transactional_db) -> None:
    """30 open IT requests: 20 laptops routed to Pete, 10 desk phones nobody has yet."""
    phone = ServiceFactory(department=org.it, code="it-phone", name="Desk phone")
    for room in range(10):
        request_submit(
            requester=org.colleague,
            service=phone,
            answers={},
            subject=f"Desk phone for room {100 + room}",
            priority=1 if room < 3 else 3,
        )
    for i in range(20):
        request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"Laptop for trainee {i}",
            priority=1 if i < 2 else 3,
        )
    done = request_submit(
        requester=org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject="Laptop already delivered",
    )
    request_transition(request=done, actor=org.it_point, to_status=Status.RESOLVED)


def rows(page: Page):
    """The body rows of the results table."""
    return page.locator("#queue-results tbody tr")


def settled(page: Page) -> None:
    """htmx has swapped and processed the new content: a control changed before htmx has
    bound its triggers (the settle step) sends nothing, so wait for that on a busy machine."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def test_queue_filters_and_pages_without_reloading(org, live_server, page: Page, it_requests):
    sign_in(page, live_server, org.it_point.username, PASSWORD)
    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_role("heading", name="Queue", level=1)).to_be_visible()
    expect(page.get_by_text("Page 1: showing 25 of 30 open requests.")).to_be_visible()
    expect(rows(page)).to_have_count(25)
    expect(page.get_by_text("Laptop already delivered")).to_have_count(0)
    page.evaluate("window.__marker = 1")

    page.get_by_role("link", name="Unassigned").click()
    expect(page).to_have_url(re.compile(r"assignee=none"))
    expect(rows(page)).to_have_count(10)
    expect(rows(page).filter(has_text="Laptop for trainee")).to_have_count(0)
    expect(page.get_by_label("Assignee")).to_have_value("none")
    settled(page)

    page.get_by_label("Priority").select_option(label="P1 critical")
    expect(page).to_have_url(re.compile(r"priority=1"))
    expect(rows(page)).to_have_count(3)
    expect(rows(page).first).to_contain_text("P1 critical")
    settled(page)

    page.get_by_label("Search").fill("room 101")
    expect(page).to_have_url(re.compile(r"q=room(\+|%20)101"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Desk phone for room 101")
    expect(rows(page).first).to_contain_text("Unassigned")
    settled(page)

    page.get_by_label("Assignee").select_option(label="Anyone")
    page.get_by_label("Priority").select_option(label="Any priority")
    page.get_by_label("Search").fill("")
    expect(rows(page)).to_have_count(25)
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(page.get_by_text("Page 2: showing 5 of 30 open requests.")).to_be_visible()
    expect(rows(page)).to_have_count(5)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="Previous page").click()
    expect(rows(page)).to_have_count(25)

    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_queue_works_without_javascript(org, live_server, browser: Browser, it_requests):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, org.it_point.username, PASSWORD)
        page.goto(f"{live_server.url}/requests/queue/")
        page.get_by_label("Assignee").select_option(label="Unassigned")
        page.get_by_label("Sort").select_option(label="Oldest first")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"assignee=none.*sort=oldest"))
        expect(rows(page)).to_have_count(10)
        expect(rows(page).first).to_contain_text("Desk phone for room 100")

        page.get_by_role("link", name="All open").click()
        page.get_by_role("link", name="Next page").click()
        expect(rows(page)).to_have_count(5)
        page.get_by_role("link", name="First page").click()
        expect(rows(page)).to_have_count(25)
    finally:
        context.close()


def test_my_requests_shows_who_is_on_it(org, live_server, page: Page, transactional_db):
    filed = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.get_by_role("link", name="My requests", exact=True).click()
    expect(page.get_by_role("heading", name="My requests", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=filed.number)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=filed.number)).to_be_visible()
    expect(row).to_contain_text("Pete Point")
    expect(row).to_contain_text("New")

    page.evaluate("window.__marker = 1")
    page.get_by_label("Status").select_option(label="Resolved, closed or cancelled")
    expect(page).to_have_url(re.compile(r"status=done"))
    expect(page.get_by_text("No requests match these filters.")).to_be_visible()
    assert page.evaluate("window.__marker") == 1


def test_queue_is_not_found_for_a_requester(org, live_server, page: Page, transactional_db):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    expect(page.get_by_role("link", name="Queue")).to_have_count(0)
    response = page.goto(f"{live_server.url}/requests/queue/")
    assert response is not None and response.status == 404


def test_list_pages_are_accessible_on_desktop_and_phone(org, live_server, page: Page, it_requests):
    sign_in(page, live_server, org.it_point.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/queue/")
    expect(rows(page)).to_have_count(25)
    check_accessibility(page, "queue")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    # On a phone, the table's rows are cards.
    expect(page.locator("#queue-results tbody tr").first.get_by_role("link")).to_be_visible()
    check_accessibility(page, "queue-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/")
    expect(page.locator("#mine-results tbody tr")).to_have_count(20)
    check_accessibility(page, "my-requests")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.locator("#mine-results .request-cards li").first).to_contain_text("Pete Point")
    check_accessibility(page, "my-requests-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

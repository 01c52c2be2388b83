"""What people see in the web pages, driven through a real Chromium."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request
from staffdesk.requests.services import request_add_note, request_reply, request_submit
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

REPLY = "Your laptop is ordered and should arrive on Thursday."
NOTE = "Supplier invoice still unpaid, chase purchasing before Thursday."


@dataclass
class LaptopRequest:
    """Rita's laptop request, answered by Pete, with one internal note of his."""

    request: Request
    url: str


@pytest.fixture
def laptop_request(org, live_server, transactional_db) -> LaptopRequest:
    request = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_reply(request=request, author=org.it_point, body=REPLY)
    request_add_note(request=request, author=org.it_point, body=NOTE)
    return LaptopRequest(request=request, url=f"{live_server.url}/requests/{request.number}")


def test_wrong_password_and_unknown_username_get_the_same_error(org, live_server, page: Page):
    sign_in(page, live_server, org.requester.username, "not-her-password")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    wrong_password_error = page.get_by_role("alert")
    expect(wrong_password_error).to_contain_text("correct username and password")
    message = wrong_password_error.inner_text()

    sign_in(page, live_server, "nobody-by-this-name", PASSWORD)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(message)


def test_home_lists_open_requests_and_finds_services(
    org, live_server, page: Page, laptop_request: LaptopRequest
):
    sign_in(page, live_server, org.requester.username, PASSWORD)

    expect(page.get_by_role("heading", name="What do you need?")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=laptop_request.request.number)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=laptop_request.request.number)).to_be_visible()
    expect(row).to_contain_text("Pete Point")

    page.get_by_label("Search services").fill("laptop")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Services matching “laptop”")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="New laptop")).to_be_visible()
    expect(page.get_by_text("Leave of absence")).to_have_count(0)


def test_requester_sees_replies_but_not_internal_notes(
    org, live_server, page: Page, laptop_request: LaptopRequest
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(laptop_request.url)
    expect(page.get_by_role("heading", name=laptop_request.request.number)).to_be_visible()
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    expect(page.get_by_text("Internal")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, org.it_point.username, PASSWORD)
    page.goto(laptop_request.url)
    expect(page.get_by_text(REPLY)).to_be_visible()
    note = page.get_by_role("listitem").filter(has_text=NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("Internal")


def test_another_department_gets_not_found(
    org, live_server, page: Page, laptop_request: LaptopRequest
):
    sign_in(page, live_server, org.hr_agent.username, PASSWORD)
    expect(page.get_by_role("heading", name="What do you need?")).to_be_visible()

    response = page.goto(laptop_request.url)
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_text(REPLY)).to_have_count(0)
    expect(page.get_by_text(laptop_request.request.number)).to_have_count(0)


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_pages_fit_a_phone_screen(org, live_server, page: Page, laptop_request: LaptopRequest):
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(f"{live_server.url}/signin/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert _page_width(page) <= 375

    sign_in(page, live_server, org.requester.username, PASSWORD)
    # On a phone, "My open requests" is a card per request, not the table.
    card = page.get_by_role("listitem").filter(has_text=laptop_request.request.number)
    expect(card.get_by_role("link", name=laptop_request.request.number)).to_be_visible()
    assert _page_width(page) <= 375

    page.goto(laptop_request.url)
    expect(page.get_by_text(REPLY)).to_be_visible()
    assert _page_width(page) <= 375

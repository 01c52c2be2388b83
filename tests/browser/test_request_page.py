"""The request page in a real Chromium: the agent's work without reloads, what the requester
sees of it, confidential cases, accessibility and the phone layout."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request
from staffdesk.requests.services import (
    attachment_add,
    request_add_note,
    request_reply,
    request_submit,
    watcher_add,
)
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

REPLY = "Your laptop is ordered; it should arrive on Thursday."
NOTE = "Supplier invoice still unpaid, chase purchasing before Thursday."


def _url(live_server, item: Request) -> str:
    return f"{live_server.url}/requests/{item.number}"


def test_agent_acknowledges_replies_and_notes_without_reload_and_the_requester_sees_the_reply_only(
    org, live_server, transactional_db, page: Page
):
    item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    sign_in(page, live_server, org.it_point.username, PASSWORD)
    page.goto(_url(live_server, item))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{item.number}: New laptop")
    page.evaluate("window.__marker = 'same page'")

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_have_text(f"{item.number} is now acknowledged.")
    expect(page.get_by_text("Pete Point changed the status: New → Acknowledged")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)

    page.get_by_label("Reply", exact=True).fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_have_text("Reply sent.")
    expect(page.get_by_role("listitem").filter(has_text=REPLY)).to_be_visible()
    expect(page.get_by_label("Reply", exact=True)).to_have_value("")

    page.get_by_label("Internal note", exact=True).fill(NOTE)
    page.get_by_role("button", name="Add internal note").click()
    expect(page.get_by_role("status")).to_have_text("Internal note added.")
    note = page.get_by_role("listitem").filter(has_text=NOTE)
    expect(note).to_be_visible()
    expect(note).to_contain_text("Internal note — not visible to the requester")

    assert page.evaluate("window.__marker") == "same page"

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(_url(live_server, item))
    expect(page.get_by_role("listitem").filter(has_text=REPLY)).to_be_visible()
    expect(page.get_by_text("Acknowledged").first).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)
    expect(page.get_by_text("Internal")).to_have_count(0)
    # Cancelling asks first: a disclosure whose form confirms; resolving is the team's.
    expect(page.locator("summary", has_text="Cancel…")).to_be_visible()
    expect(page.locator("summary", has_text="Resolve…")).to_have_count(0)


def test_a_refused_reply_shows_why_beside_the_field(org, live_server, transactional_db, page: Page):
    item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(_url(live_server, item))
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Reply", exact=True).fill("   ")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("alert")).to_have_text("Write something first.")
    expect(page.locator("#reply-body-errors")).to_have_text("must not be empty")
    assert page.evaluate("window.__marker") == "same page"


def test_files_are_uploaded_in_place(org, live_server, transactional_db, page: Page):
    item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(_url(live_server, item))
    page.evaluate("window.__marker = 'same page'")
    page.get_by_label("Choose files to add").set_input_files(
        [
            {"name": "quote.txt", "mimeType": "text/plain", "buffer": b"1 laptop"},
            {"name": "specs.txt", "mimeType": "text/plain", "buffer": b"16 GB"},
        ]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Added 2 files.")
    expect(page.get_by_role("link", name="quote.txt")).to_be_visible()
    expect(page.get_by_role("link", name="specs.txt")).to_be_visible()
    assert page.evaluate("window.__marker") == "same page"


def test_confidential_case_is_not_found_for_another_team_and_the_admin(
    org, live_server, transactional_db, page: Page
):
    leave = request_submit(
        requester=org.requester, service=org.leave, answers={"reason": "Surgery"}
    )
    for person in (org.it_point, org.admin):
        page.context.clear_cookies()  # the 404 page has no navigation to sign out with
        sign_in(page, live_server, person.username, PASSWORD)
        response = page.goto(_url(live_server, leave))
        assert response is not None
        assert response.status == 404
        expect(page.get_by_text("Surgery")).to_have_count(0)
        expect(page.get_by_text(leave.number)).to_have_count(0)


def test_agent_view_is_accessible_and_fits_a_phone(org, live_server, transactional_db, page: Page):
    item = request_submit(
        requester=org.requester,
        service=org.laptop,
        answers={**LAPTOP_ANSWERS, "needed_by": "2026-03-02T09:30"},
        description="For the new analyst starting on Monday.",
    )
    watcher_add(request=item, actor=org.requester, person=org.colleague)
    request_reply(request=item, author=org.it_point, body=REPLY)
    request_add_note(request=item, author=org.it_point, body=NOTE)
    attachment_add(
        request=item,
        uploader=org.requester,
        upload=ContentFile(b"serial numbers\n", name="inventory-list-with-a-long-name.txt"),
        filename="inventory-list-with-a-long-name.txt",
    )
    sign_in(page, live_server, org.it_point.username, PASSWORD)
    page.goto(_url(live_server, item))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, "request-page")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    check_accessibility(page, "request-page-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

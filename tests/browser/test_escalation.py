"""The requester escalates an overdue request in a real Chromium, without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.core import clock
from staffdesk.escalation.triggers import WatchedClock
from staffdesk.requests.services import request_submit
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, LevelFactory, PolicyFactory

pytestmark = pytest.mark.browser

REASON = "The new analyst starts on Monday and has nothing to work on."


@pytest.fixture
def overdue(org, agreement):
    """IT's two-level ladder and a laptop request nobody has answered for ten days."""
    policy = PolicyFactory(name="IT escalation", department=org.it)
    # No response window: the journey escalates twice in a row (test_cool_down.py has them).
    LevelFactory(
        policy=policy,
        name="Point person",
        share=True,
        notify_point_person=True,
        response_window_minutes=0,
    )
    LevelFactory(
        policy=policy,
        name="Department lead",
        clock=WatchedClock.RESOLUTION,
        notify_lead=True,
        response_window_minutes=0,
    )
    return request_submit(
        requester=org.requester,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        now=clock.now() - timedelta(days=10),
    )


def test_the_requester_escalates_with_a_reason_and_sees_it_in_the_timeline(
    org, live_server, transactional_db, page: Page, overdue
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/{overdue.number}")
    page.evaluate("window.__marker = 'same page'")
    reason = page.get_by_label("Why are you escalating?")
    expect(page.get_by_text("It goes to level 1, Point person, with your reason.")).to_be_visible()

    # Blanks pass the browser's own check; the server refuses them beside the field.
    reason.fill("   ")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Say why you are escalating: the people it goes to will read it."
    )
    expect(page.locator("#escalation-reason-errors")).to_have_text("this field is required")
    check_accessibility(page, "escalation-refused")

    page.get_by_label("Why are you escalating?").fill(REASON)
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_role("status")).to_have_text("Escalated to level 1 (Point person).")
    entry = page.get_by_role("listitem").filter(
        has_text="Rita Requester escalated it to level 1, Point person"
    )
    expect(entry).to_contain_text(REASON)
    expect(
        page.get_by_text("It goes to level 2, Department lead, with your reason.")
    ).to_be_visible()
    assert page.evaluate("window.__marker") == "same page"
    check_accessibility(page, "escalation-done")

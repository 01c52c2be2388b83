"""Scenarios 1 and 2 as one journey through the browser, from the search box to the reply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_from_search_to_reply_through_the_queue(org, live_server, page: Page, transactional_db):
    sign_in(page, live_server, "rita", PASSWORD)
    page.get_by_label("Search services").press_sequentially("laptop", delay=30)
    page.get_by_role("link", name="New laptop").click()
    page.get_by_label("Model").select_option("standard")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Subject").fill("Laptop for the new analyst")
    page.get_by_role("button", name="File the request").click()
    heading = page.get_by_role("heading", name=re.compile(r"^IT-\d{6}"))
    number = heading.inner_text().split(":")[0]

    page.get_by_role("link", name="My requests", exact=True).click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Laptop for the new analyst")
    expect(row).to_contain_text("Pete Point")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "pete", PASSWORD)
    page.get_by_role("link", name="Queue", exact=True).click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_have_text(f"{number} is now acknowledged.")
    page.get_by_label("Reply", exact=True).fill("It ships on Monday.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_have_text("Reply sent.")
    page.get_by_label("Internal note", exact=True).fill("Take it from stock room B.")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.get_by_role("status")).to_have_text("Internal note added.")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "rita", PASSWORD)
    page.get_by_role("link", name="My requests", exact=True).click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("It ships on Monday.")).to_be_visible()
    expect(page.get_by_text("Take it from stock room B.")).to_have_count(0)

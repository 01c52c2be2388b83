"""Announcements and service notices in a real Chromium: acceptance 1 (a required announcement
to Finance, its banner, its acknowledgement and its report) and 3 ("I'm affected" on a
service's form instead of filing, told when the notice is resolved), with axe on every new
page at 1280 and 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffdesk.announcements.models import Acknowledgement, Affected, Announcement
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.directory.services import department_set_lead
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Request
from tests.browser.conftest import (
    DESKTOP,
    check_at_both_widths,
    sign_in,
    sign_out,
)
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.browser

TITLE = "New expense policy"
BANNER = "Please read and acknowledge"


def banner(page: Page):
    return page.get_by_role("complementary", name=BANNER)


@pytest.fixture
def fin_lead(org):
    lead = PersonFactory(username="fiona", first_name="Fiona", last_name="Lead", department=org.fin)
    department_set_lead(department=org.fin, lead=lead)
    return lead


def test_a_required_announcement_to_finance_until_acknowledged(
    org, fin_lead, live_server, transactional_db, page: Page
):
    page.set_viewport_size(DESKTOP)
    # The Finance lead writes it in the editor and publishes it.
    sign_in(page, live_server, "fiona", PASSWORD)
    page.get_by_role("link", name="News", exact=True).click()
    page.get_by_role("link", name="Write an announcement").click()
    expect(page.get_by_role("heading", name="Write an announcement", level=1)).to_be_visible()
    check_at_both_widths(page, "announcement-editor")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill("From **January**, every receipt is scanned.")
    page.get_by_label("People of these departments").select_option(label="Finance")
    page.get_by_label(re.compile("Everyone must confirm")).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    announcement = Announcement.objects.get(title=TITLE)
    assert announcement.status == Announcement.Status.PUBLISHED and announcement.ack_required
    sign_out(page)

    # A Finance employee sees the banner on every page until they acknowledge.
    sign_in(page, live_server, "rita", PASSWORD)
    for link in ["Home", "My requests", "Catalog", "News"]:
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=link, exact=True
        ).click()
        expect(banner(page)).to_contain_text(TITLE)
        if link == "News":
            check_at_both_widths(page, "news-list")
    banner(page).get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator(".announcement-body strong")).to_have_text("January")
    expect(banner(page)).to_be_visible()
    check_at_both_widths(page, "announcement-with-banner")
    page.get_by_role("button", name="I have read and understood").click()
    expect(page.get_by_role("status")).to_contain_text("read and understood version 1")
    expect(banner(page)).to_have_count(0)
    for link in ["Home", "My requests", "Catalog"]:
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=link, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(banner(page)).to_have_count(0)
    assert Acknowledgement.objects.filter(announcement=announcement, person=org.requester).count()
    sign_out(page)

    # An IT employee never sees it, and its address is a 404.
    sign_in(page, live_server, "alex", PASSWORD)
    for link in ["Home", "My requests", "Catalog", "News"]:
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=link, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(banner(page)).to_have_count(0)
        expect(page.get_by_text(TITLE)).to_have_count(0)
    response = page.goto(f"{live_server.url}/news/{announcement.pk}")
    assert response is not None and response.status == 404
    expect(page.get_by_text(TITLE)).to_have_count(0)
    page.goto(f"{live_server.url}/")
    sign_out(page)

    # The report shows the acknowledgement under Finance.
    sign_in(page, live_server, "fiona", PASSWORD)
    page.goto(f"{live_server.url}/news/{announcement.pk}")
    page.get_by_role("link", name="Read-receipt report").click()
    finance = page.get_by_role("row", name=re.compile("^Finance"))
    # Finance: Rita, Colin, Ada the admin and Fiona; Rita acknowledged it, Fiona opened it.
    expect(finance.get_by_role("cell")).to_have_text(["4", "2 (50 %)", "1 (25 %)"])
    pending = page.locator("h2:has-text('Still pending') + ul")
    expect(pending).to_contain_text("Colin Colleague")
    expect(pending).not_to_contain_text("Rita Requester")
    check_at_both_widths(page, "announcement-report")


NOTICE = "Laptop ordering is down"


def test_i_am_affected_instead_of_filing_and_told_when_it_is_resolved(
    org, live_server, transactional_db, page: Page
):
    page.set_viewport_size(DESKTOP)
    # An IT agent posts an outage on the laptop service.
    sign_in(page, live_server, "alex", PASSWORD)
    page.get_by_role("link", name="Status", exact=True).click()
    page.get_by_role("link", name="Post a notice").click()
    check_at_both_widths(page, "notice-editor")
    page.get_by_label("Kind").select_option(label="Outage")
    page.get_by_label("Title").fill(NOTICE)
    page.get_by_label("Message").fill("The vendor's portal is down; orders wait until it is back.")
    page.get_by_label("Services it is about").select_option(
        label="Information Technology: New laptop"
    )
    page.get_by_role("button", name="Post the notice").click()
    expect(page.get_by_role("status")).to_contain_text("Notice posted")
    notice_url = page.url
    sign_out(page)

    # The catalog marks the service; on its form an employee says they are affected and
    # files nothing.
    sign_in(page, live_server, "rita", PASSWORD)
    page.get_by_role("link", name="Catalog", exact=True).click()
    badge = page.get_by_role("link", name="Outage", exact=True)
    expect(badge).to_have_attribute("href", re.compile(r"/status/\d+$"))
    check_at_both_widths(page, "catalog-with-notice")
    page.get_by_role("link", name="New laptop").click()
    notice = page.get_by_role("region", name=re.compile(NOTICE))
    expect(notice).to_contain_text("Outage")
    check_at_both_widths(page, "form-with-notice")
    notice.get_by_role("button", name="I'm affected").click()
    expect(page.get_by_role("status")).to_contain_text("No request was filed")
    expect(page).to_have_url(re.compile("/requests/new/it-laptop$"))
    expect(page.get_by_role("region", name=re.compile(NOTICE))).to_contain_text(
        "You are counted as affected"
    )
    assert not Request.objects.filter(requester=org.requester).exists()
    assert Affected.objects.filter(person=org.requester, service=org.laptop).exists()
    page.get_by_role("link", name="Status", exact=True).click()
    current = page.get_by_role("listitem").filter(has_text=NOTICE)
    expect(current).to_contain_text("1 affected (you too)")
    check_at_both_widths(page, "status-board")
    current.get_by_role("link", name=NOTICE).click()
    expect(page.get_by_role("button", name="It works for me again")).to_be_visible()
    check_at_both_widths(page, "notice")
    sign_out(page)

    # The team resolves it; the worker tells everyone affected.
    sign_in(page, live_server, "alex", PASSWORD)
    page.goto(notice_url)
    expect(page.get_by_role("region", name="Who is affected")).to_contain_text("Rita Requester")
    page.get_by_label(re.compile("Closing message")).fill("The portal is back; orders go out.")
    page.get_by_role("button", name="Resolve the notice").click()
    expect(page.get_by_role("status")).to_contain_text("Resolved")
    check_at_both_widths(page, "notice-resolved")
    sign_out(page)
    assert announcements_tick() == 1
    assert Notification.objects.filter(recipient=org.requester, kind="notice_resolved").exists()

    sign_in(page, live_server, "rita", PASSWORD)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    told = page.get_by_role("listitem").filter(has_text=f"Resolved: {NOTICE}")
    expect(told).to_contain_text("The portal is back; orders go out.")
    told.get_by_role("link", name=f"Resolved: {NOTICE}").click()
    expect(page.get_by_role("heading", name=NOTICE, level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Resolved")).to_contain_text("The portal is back")

"""The profile page, the notifications page and the sign-in page, driven through a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Status
from staffdesk.requests.services import request_reply, request_submit, request_transition
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _bell(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Notifications")
    )


def _check_both_sizes(page: Page, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, name)
    page.set_viewport_size({"width": 375, "height": 800})
    check_accessibility(page, f"{name}-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_token_is_shown_once_then_revoked(org, live_server, page: Page):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.get_by_role("link", name="Rita Requester").click()
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    expect(page.get_by_text("You have no active tokens.")).to_be_visible()

    page.get_by_label("Name of a new token").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token")
    expect(secret).to_have_value(re.compile(r"^sdk_.{20,}"))
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Reporting script")
    expect(row).to_be_visible()
    full_secret = secret.input_value()
    expect(row).to_contain_text(f"{full_secret[:10]}…")

    page.reload()
    expect(row).to_be_visible()
    expect(page.get_by_label("Your new token")).to_have_count(0)
    assert full_secret not in page.content()

    row.get_by_role("button", name="Revoke Reporting script").click()
    expect(page.get_by_text("Token “Reporting script” revoked")).to_be_visible()
    expect(page.get_by_text("You have no active tokens.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Reporting script")).to_have_count(0)


def test_away_until_and_delegate_are_saved(org, live_server, page: Page):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    past = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Away until").fill(past.isoformat())
    page.get_by_role("button", name="Save away status").click()
    expect(page.get_by_text("Choose today or a later date")).to_be_visible()
    expect(page.get_by_label("Away until")).to_have_attribute("aria-invalid", "true")

    until = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Away until").fill(until.isoformat())
    page.get_by_label("Delegate", exact=True).select_option(label="Colin Colleague")
    page.get_by_role("button", name="Save away status").click()
    expect(page.get_by_text("Your away status is saved.")).to_be_visible()
    expect(page.get_by_text("You are set away through")).to_contain_text(str(until.year))

    page.reload()
    expect(page.get_by_label("Away until")).to_have_value(until.isoformat())
    expect(page.get_by_label("Delegate", exact=True).locator("option:checked")).to_have_text(
        "Colin Colleague"
    )
    org.requester.refresh_from_db()
    assert (org.requester.away_until, org.requester.delegate) == (until, org.colleague)


def test_email_choices_are_saved(org, live_server, page: Page):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    reply = page.get_by_label("New public reply")
    expect(reply).to_be_checked()
    reply.uncheck()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("New public reply")).not_to_be_checked()
    expect(page.get_by_label("Assigned to me")).to_be_checked()


def test_the_bell_count_drops_when_one_is_marked_read_without_reloading(
    org, live_server, page: Page
):
    request = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_reply(request=request, author=org.it_point, body="Ordered for Thursday.")
    request_transition(request=request, actor=org.it_point, to_status=Status.ACKNOWLEDGED)

    sign_in(page, live_server, org.requester.username, PASSWORD)
    expect(_bell(page)).to_have_text(re.compile(r"Notifications\s*2 unread"))
    _bell(page).click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    items = page.get_by_role("list", name="My notifications").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.filter(has_text="Unread")).to_have_count(2)
    _check_both_sizes(page, "notifications")

    page.evaluate("window.stillTheSamePage = true")
    reply = items.filter(has_text="New reply")
    reply.get_by_role("button", name=re.compile("^Mark read")).click()
    expect(_bell(page)).to_have_text(re.compile(r"Notifications\s*1 unread"))
    expect(reply).not_to_contain_text("Unread")
    expect(page.get_by_role("status")).to_have_text("Marked read. 1 unread.")
    assert page.evaluate("window.stillTheSamePage") is True

    # Following the other one opens its request and counts as read.
    items.filter(has_text="Acknowledged").get_by_role("link").click()
    expect(page.get_by_role("heading", name=request.number)).to_be_visible()
    expect(_bell(page)).to_have_text(re.compile(r"^\s*Notifications\s*$"))


def test_mark_all_read(org, live_server, page: Page):
    request = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_reply(request=request, author=org.it_point, body="Ordered.")
    request_reply(request=request, author=org.it_point, body="Shipped.")
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status")).to_have_text("Marked 2 read. All read.")
    expect(page.get_by_text("Unread", exact=True)).to_have_count(0)
    expect(_bell(page)).to_have_text(re.compile(r"^\s*Notifications\s*$"))


def test_pages_are_accessible_and_fit_a_phone(org, live_server, page: Page):
    page.goto(f"{live_server.url}/signin/")
    _check_both_sizes(page, "sign-in")
    sign_in(page, live_server, org.requester.username, "not-her-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    _check_both_sizes(page, "sign-in-error")

    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    page.get_by_label("Name of a new token").fill("A token with a rather long name for a phone")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Your new token")).to_be_visible()
    _check_both_sizes(page, "profile")


def test_five_wrong_passwords_lock_the_sign_in(org, live_server, page: Page):
    for _ in range(5):
        sign_in(page, live_server, org.requester.username, "not-her-password")
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed sign-ins; try again in 15 minutes."
    )
    sign_in(page, live_server, org.requester.username, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed sign-ins; try again in 15 minutes."
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    _check_both_sizes(page, "sign-in-locked")

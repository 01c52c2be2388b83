"""Filing within a question's limits, the person picker, and where focus goes after a refused
form, through a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffdesk.catalog.models import FormField
from staffdesk.requests.models import Request
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, FormFieldFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def limited(transactional_db, org) -> None:
    """1 to 20 whole laptops, needed within 60 days, and whom they are for."""
    quantity = org.laptop.fields.get(code="quantity")
    quantity.min_value, quantity.max_value, quantity.whole_number = 1, 20, True
    quantity.save()
    needed_by = org.laptop.fields.get(code="needed_by")
    needed_by.not_in_past, needed_by.within_days = True, 60
    needed_by.save()
    FormFieldFactory(
        service=org.laptop,
        code="for_whom",
        label="For whom",
        datatype=FormField.Datatype.PERSON,
        required=True,
        order=4,
    )


def _active_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_after_refused_answers_focus_is_on_the_error_summary(
    transactional_db, org, live_server, page: Page
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/new/{org.laptop.code}")
    page.get_by_label("Model").select_option("power")
    page.get_by_label("Quantity").fill("two")
    page.get_by_role("button", name="File the request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The request was not filed")
    expect(summary).to_be_focused()
    assert _active_id(page) == "error-summary"
    link = summary.get_by_role("link", name="Quantity: must be a number, not 'two'")
    expect(link).to_be_visible()
    expect(page.get_by_label("Quantity")).to_have_value("two")
    check_accessibility(page, "service-form-errors")
    # The summary's link takes the person to the field.
    link.click()
    expect(page).to_have_url(re.compile(r"#answer-quantity$"))
    assert Request.objects.count() == 0


def test_after_a_refused_sign_in_focus_is_on_the_message(
    transactional_db, org, live_server, page: Page
):
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Username").fill(org.requester.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert _active_id(page) == "signin-errors"


def test_the_person_picker_suggests_from_the_people_search_and_files_the_person(
    transactional_db, org, live_server, page: Page, limited
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/new/{org.laptop.code}")
    expect(page.get_by_label("Quantity")).to_have_accessible_description(
        "A whole number from 1 to 20."
    )
    expect(page.get_by_label("Needed by")).to_have_accessible_description(
        "A date and time from now to 60 days ahead."
    )
    picker = page.get_by_label("For whom")
    expect(picker).to_have_accessible_description(re.compile("A person: their username or email"))
    picker.press_sequentially("colle", delay=40)
    suggestions = page.locator("#answer-for_whom-people option")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_have_attribute("value", "colin")
    expect(suggestions.first).to_have_text("Colin Colleague · Finance")
    check_accessibility(page, "service-form-person-picker")

    picker.fill("colin")
    page.get_by_label("Model").select_option("power")
    page.get_by_label("Quantity").fill("-3")
    page.get_by_role("button", name="File the request").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name="Quantity: must be a whole number from 1 to 20, not -3")
    ).to_be_visible()
    expect(picker).to_have_value("colin")

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="File the request").click()

    expect(page.get_by_role("heading", name=re.compile(r"^IT-\d{6}"))).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Colin Colleague")).to_be_visible()
    assert Request.objects.get().answers["for_whom"] == org.colleague.pk

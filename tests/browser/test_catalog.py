"""Finding a service and asking for it, through a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import LAPTOP_ANSWERS
from staffdesk.catalog.models import FormField
from staffdesk.requests.models import Request
from staffdesk.requests.services import request_submit
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, FormFieldFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def cost_centre(transactional_db, org) -> FormField:
    """A required text question on the laptop form, to leave empty."""
    return FormFieldFactory(
        service=org.laptop,
        code="cost_centre",
        label="Cost centre",
        description="The budget line that pays for it, e.g. FIN-204.",
        datatype=FormField.Datatype.STRING,
        required=True,
        order=4,
    )


def _fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_employee_finds_the_laptop_service_as_she_types_and_files_it(
    transactional_db, org, live_server, page: Page
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    expect(page.get_by_role("heading", name="What do you need?")).to_be_visible()
    page.evaluate("window.__marker = 1")

    page.get_by_label("Search services").press_sequentially("laptop", delay=30)

    result = page.get_by_role("link", name="New laptop")
    expect(result).to_be_visible()
    expect(page.get_by_text("Information Technology · Point person: Pete Point")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"

    result.click()
    expect(page.get_by_role("heading", name="New laptop", level=1)).to_be_visible()
    page.get_by_label("Model").select_option(label='Power 16"')
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Needed by").fill("2026-12-01T09:30")
    page.get_by_label("Description").fill("For the new analyst starting in December.")
    page.get_by_role("button", name="File the request").click()

    expect(page.get_by_role("heading", name=re.compile(r"^IT-\d{6}"))).to_be_visible()
    created = Request.objects.get()
    expect(page.get_by_role("heading", name=created.number)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        f"Request {created.number} filed; Pete Point is on it."
    )
    expect(page.get_by_role("definition").filter(has_text="Pete Point")).to_be_visible()
    assert (created.answers["model"], created.answers["quantity"]) == ("power", 2)


def test_refused_answers_are_explained_beside_their_fields_and_the_rest_kept(
    transactional_db, org, live_server, page: Page, cost_centre
):
    sign_in(page, live_server, org.requester.username, PASSWORD)
    page.goto(f"{live_server.url}/requests/new/{org.laptop.code}")

    page.get_by_label("Model").select_option("power")
    page.get_by_label("Quantity").fill("two")
    page.get_by_label("Needed by").fill("2026-12-01T09:30")
    page.get_by_label("Subject").fill("Laptop for the new analyst")
    page.get_by_label("Description").fill("She starts in December.")
    page.get_by_role("button", name="File the request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The request was not filed")
    expect(summary.get_by_role("link", name="Cost centre: this answer is required")).to_be_visible()
    expect(page.get_by_label("Cost centre")).to_have_accessible_description(
        re.compile(r"Cost centre: this answer is required")
    )
    expect(page.get_by_label("Quantity")).to_have_accessible_description(
        "Quantity: must be a number, not 'two'"
    )
    expect(page.get_by_label("Quantity")).to_have_value("two")
    expect(page.get_by_label("Model")).to_have_value("power")
    expect(page.get_by_label("Needed by")).to_have_value("2026-12-01T09:30")
    expect(page.get_by_label("Subject")).to_have_value("Laptop for the new analyst")
    expect(page.get_by_label("Description")).to_have_value("She starts in December.")
    assert Request.objects.count() == 0

    page.get_by_label("Cost centre").fill("FIN-204")
    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_role("status")).to_contain_text("filed; Pete Point is on it.")
    assert Request.objects.get().answers["cost_centre"] == "FIN-204"


def test_catalog_pages_are_accessible_and_fit_a_phone(
    transactional_db, org, live_server, page: Page, cost_centre
):
    request_submit(
        requester=org.requester, service=org.laptop, answers={**LAPTOP_ANSWERS, "cost_centre": "F1"}
    )
    sign_in(page, live_server, org.requester.username, PASSWORD)
    pages = {
        "home": ("/?q=laptop", "What do you need?"),
        "catalog": ("/catalog/", "Catalog"),
        "department": ("/catalog/IT/", "Information Technology"),
        "service-form": (f"/requests/new/{org.laptop.code}", "New laptop"),
    }
    for viewport, suffix in [
        ({"width": 1280, "height": 900}, ""),
        ({"width": 375, "height": 800}, "-375"),
    ]:
        page.set_viewport_size(viewport)
        for name, (path, heading) in pages.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            check_accessibility(page, f"{name}{suffix}")
            if suffix:
                _fits_a_phone(page)

        page.goto(f"{live_server.url}/requests/new/{org.laptop.code}")
        page.get_by_label("Quantity").fill("two")
        page.get_by_role("button", name="File the request").click()
        expect(page.get_by_role("alert")).to_be_visible()
        check_accessibility(page, f"service-form-errors{suffix}")
        if suffix:
            _fits_a_phone(page)

"""The main pages on the demo organization: accessible, phone-sized, and photographed.

`make screenshots` runs this module with STAFFDESK_SCREENSHOT_DIR=docs/screenshots to refresh
the pictures the README links to; otherwise they go to test-results/screenshots/demo.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db.models import Count
from playwright.sync_api import Page, expect

from staffdesk.announcements.models import Announcement
from staffdesk.directory.models import Person
from staffdesk.feedback.models import Suggestion, SuggestionStatus
from staffdesk.feedback.selectors.surveys import my_open_surveys
from staffdesk.requests.models import Request
from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOTS, check_accessibility, sign_in

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 900), "phone": (375, 800)}


def _photograph(page: Page, name: str) -> None:
    target = Path(os.environ.get("STAFFDESK_SCREENSHOT_DIR", SCREENSHOTS / "demo"))
    target.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(target / f"{name}-{size}.png"), full_page=size == "desktop")
    check_accessibility(page, f"demo-{name}")


def test_employee_pages(demo, live_server, page: Page):
    sign_in(page, live_server, "employee", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What do you need?")).to_be_visible()
    page.get_by_label("Search services").fill("laptop")
    expect(page.get_by_role("link", name="New laptop").first).to_be_visible()
    _photograph(page, "home")

    page.goto(f"{live_server.url}/catalog/")
    expect(page.get_by_role("heading", name="Information Technology")).to_be_visible()
    _photograph(page, "catalog")

    page.goto(f"{live_server.url}/requests/new/it-laptop")
    expect(page.get_by_label("Quantity")).to_be_visible()
    _photograph(page, "service-form")


def test_agent_pages(demo, live_server, page: Page):
    busiest = (
        Request.objects.filter(assignee__username="agent", confidential=False)
        .annotate(event_count=Count("events"))
        .order_by("-event_count")
        .first()
    )
    sign_in(page, live_server, "agent", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/requests/queue/")
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    _photograph(page, "queue")

    page.goto(f"{live_server.url}/requests/{busiest.number}")
    expect(page.get_by_role("heading", name=busiest.number)).to_be_visible()
    _photograph(page, "request-page")


def test_news_and_status_pages(demo, live_server, page: Page):
    """News for the employee (home, the list, a required announcement with its banner), the
    status board, and the read-receipt report its publisher reads."""
    required = Announcement.objects.get(status="published", ack_required=True)
    sign_in(page, live_server, "employee", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="News for you")).to_be_visible()
    expect(page.get_by_role("complementary", name="Please read and acknowledge")).to_be_visible()
    _photograph(page, "news-home")

    page.goto(f"{live_server.url}/news/")
    news = page.get_by_role("list", name="Announcements")
    expect(news.get_by_role("link", name=required.title)).to_be_visible()
    _photograph(page, "news")

    page.goto(f"{live_server.url}/news/{required.pk}")
    expect(page.get_by_role("button", name="I have read and understood")).to_be_visible()
    _photograph(page, "announcement")

    page.goto(f"{live_server.url}/status/")
    expect(page.get_by_role("heading", name="The last 90 days")).to_be_visible()
    _photograph(page, "status-board")

    page.context.clear_cookies()
    sign_in(page, live_server, required.department.lead.username, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/news/{required.pk}/report")
    expect(page.get_by_role("table", name="By department")).to_be_visible()
    _photograph(page, "read-receipts")


def test_feedback_pages(demo, live_server, page: Page):
    """The employee's open survey, the suggestion box, a done suggestion with its "did it
    help?" answers, the form and the board; the IT lead's ratings."""
    employee = Person.objects.get(username="employee")
    survey = my_open_surveys(user=employee).filter(rating__isnull=True).first()
    done = Suggestion.objects.filter(status=SuggestionStatus.DONE, department__code="IT").get()
    sign_in(page, live_server, "employee", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/feedback/surveys/{survey.pk}/")
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.get_by_text(survey.request.number).first).to_be_visible()
    _photograph(page, "survey")

    page.goto(f"{live_server.url}/suggestions/")
    expect(page.get_by_role("heading", name="Suggestions", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=done.title).first).to_be_visible()
    _photograph(page, "suggestions")

    page.goto(f"{live_server.url}/suggestions/{done.pk}/")
    expect(page.get_by_role("heading", name=done.title)).to_be_visible()
    _photograph(page, "suggestion")

    page.goto(f"{live_server.url}/suggestions/new/")
    expect(page.get_by_role("heading", name="Suggest an improvement")).to_be_visible()
    _photograph(page, "suggestion-form")

    page.goto(f"{live_server.url}/you-said-we-did/")
    expect(page.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(page.get_by_text(done.title).first).to_be_visible()
    _photograph(page, "board")

    page.context.clear_cookies()
    sign_in(page, live_server, "lead", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/feedback/ratings/")
    expect(page.get_by_role("heading", name="Ratings")).to_be_visible()
    _photograph(page, "ratings")


def test_suggestion_queue_page(demo, live_server, page: Page):
    """IT's suggestion queue for its lead: the overdue one first, the draft to publish."""
    sign_in(page, live_server, "lead", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/suggestions/queue/")
    expect(
        page.get_by_role("heading", name="Suggestions to Information Technology")
    ).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="Draft responses")).to_be_visible()
    _photograph(page, "suggestion-queue")

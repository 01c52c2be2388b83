"""Satisfaction surveys in a real Chromium, acceptance 1: an agent resolves a request; after the
delay (time moved with time-machine: the live server runs in this process) the requester gets
the survey mail on the test SMTP server, opens its "2" link, adds a comment and confirms; the
department lead is notified and follows up. A GET of the link alone records nothing. axe at
1280 and 375 px on the survey pages and the ratings list."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import time_machine
from playwright.sync_api import Page, expect

from staffdesk.feedback.models import Survey
from staffdesk.feedback.services.surveys import LOW_RATING_KIND, surveys_open_due
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import notification_deliver_due
from staffdesk.requests.models import RequestEvent
from tests.browser.conftest import (
    DESKTOP,
    check_at_both_widths,
    sign_in,
    sign_out,
)
from tests.factories import PASSWORD
from tests.feedback.survey_helpers import at, file_laptop, links, survey_mails

pytestmark = pytest.mark.browser

COMMENT = "It took a week and nobody told me why."


def test_a_low_rating_from_the_mail_reaches_the_lead_who_follows_up(
    org, live_server, transactional_db, smtp_server, settings, page: Page
):
    settings.STAFFDESK_BASE_URL = live_server.url
    page.set_viewport_size(DESKTOP)
    item = file_laptop(org, now=at(11, 9))
    with time_machine.travel(at(11, 10), tick=True) as clock:
        # The agent resolves it on the request page.
        sign_in(page, live_server, org.it_agent.username, PASSWORD)
        page.goto(f"{live_server.url}/requests/{item.number}")
        page.locator("summary", has_text="Resolve…").click()
        page.get_by_label("Resolution note").fill("A new dock is on your desk.")
        page.get_by_role("button", name="Resolve", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("is now resolved")
        survey = Survey.objects.get(request=item, person=org.requester)
        assert survey.status == Survey.Status.SCHEDULED
        sign_out(page)

        # An hour of business time later the worker opens the survey and mails it.
        assert surveys_open_due() == 0
        clock.move_to(at(11, 11, 5))
        assert surveys_open_due() == 1
        notification_deliver_due()
        [mail] = survey_mails(smtp_server, org.requester)
        assert mail["Subject"] == f"How did we do? {item.number}: Docking station flickers"
        body = mail.get_content()
        assert "Dissatisfied: " in body and "Very satisfied: " in body
        two = links(mail)[2]
        assert two.startswith(f"{live_server.url}/feedback/s/")

        # A mail scanner follows the link: nothing is recorded.
        scanned = httpx.get(two, timeout=30)
        assert scanned.status_code == 200
        survey.refresh_from_db()
        assert (survey.rating, survey.rated_at) == (None, None)

        # Rita opens the "2" link (signed out), adds a comment and confirms.
        page.goto(two)
        expect(page.get_by_role("heading", name="How did we do?", level=1)).to_be_visible()
        expect(page.get_by_label("Dissatisfied (2 of 5)", exact=True)).to_be_checked()
        expect(page.get_by_text("Nothing is recorded until you confirm.")).to_be_visible()
        check_at_both_widths(page, "survey-link")
        survey.refresh_from_db()
        assert survey.rating is None  # still nothing, after the browser's GET too
        page.get_by_label(re.compile("Anything you want to tell the team")).fill(COMMENT)
        page.get_by_role("button", name="Confirm my rating").click()
        expect(page.get_by_role("heading", name="Thank you", level=1)).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("dissatisfied (2 of 5)")
        thanks = page.get_by_role("region", name="Thank the people who helped")
        expect(thanks.get_by_role("listitem")).to_have_text(["Alex Agent", "Pete Point"])
        check_at_both_widths(page, "survey-thanks")
        survey.refresh_from_db()
        assert (survey.rating, survey.comment) == (2, COMMENT)

        # The link works once.
        page.goto(two)
        expect(page.get_by_role("heading", name="This link was already used")).to_be_visible()

        # Signed in, Rita's survey page shows her rating, still open to change.
        sign_in(page, live_server, org.requester.username, PASSWORD)
        page.goto(f"{live_server.url}/feedback/surveys/{survey.pk}/")
        expect(page.get_by_label("Dissatisfied (2 of 5)", exact=True)).to_be_checked()
        expect(page.get_by_role("button", name="Change my rating")).to_be_visible()
        check_at_both_widths(page, "survey-signed-in")
        sign_out(page)

        # The department lead is told, and follows up from the request page.
        assert Notification.objects.filter(recipient=org.it_lead, kind=LOW_RATING_KIND).exists()
        sign_in(page, live_server, org.it_lead.username, PASSWORD)
        page.goto(f"{live_server.url}/notifications/")
        told = page.get_by_role("listitem").filter(has_text="Low satisfaction rating")
        told.get_by_role("link").first.click()
        expect(page.get_by_role("heading", name=re.compile(item.number))).to_be_visible()
        panel = page.get_by_role("region", name="Satisfaction")
        expect(panel).to_contain_text("Dissatisfied (2 of 5)")
        expect(panel).to_contain_text(COMMENT)
        panel.locator("summary", has_text="Follow up…").click()
        panel.get_by_label("Internal note").fill("Called Rita: the vendor shipped late.")
        panel.get_by_label("Reply to Rita Requester (optional)").fill(
            "Sorry for the wait, Rita. We have changed vendors."
        )
        panel.get_by_role("button", name="Save the follow-up").click()
        expect(page.get_by_role("status")).to_contain_text("Followed up")
        expect(page.get_by_role("region", name="Satisfaction")).to_contain_text(
            "Followed up by Lee Lead"
        )
        check_at_both_widths(page, "request-page-rating")
        notes = RequestEvent.objects.filter(request=item, kind="note", is_internal=True)
        assert notes.filter(body__contains="Called Rita: the vendor shipped late.").exists()
        assert RequestEvent.objects.filter(
            request=item, kind="reply", is_internal=False, body__contains="changed vendors"
        ).exists()

        # The ratings list shows it to the team.
        page.goto(f"{live_server.url}/feedback/ratings/")
        expect(page.get_by_role("heading", name="Ratings", level=1)).to_be_visible()
        expect(page.get_by_text("2 of 5: Dissatisfied")).to_be_visible()
        page.get_by_label("Rating", exact=True).select_option(label="Dissatisfied")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_text(COMMENT)).to_be_visible()
        check_at_both_widths(page, "ratings-list")
        clock.shift(timedelta(minutes=1))

"""The suggestion box in a real Chromium: suggesting with similar suggestions shown while
typing, voting, the department's queue with a draft published from it, and the "You said,
we did" board; axe at 1280 and 375 px on the form, the queue and the board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffdesk.feedback.models import Response, Suggestion
from tests.browser.conftest import (
    DESKTOP,
    check_at_both_widths,
    sign_in,
    sign_out,
)
from tests.factories import PASSWORD
from tests.feedback.suggestion_helpers import suggest

pytestmark = pytest.mark.browser

EXISTING = "Fix the printer on floor 3"
MINE = "Printers should tell IT when they jam"


def test_suggest_vote_answer_from_the_queue_and_read_the_board(
    org, live_server, transactional_db, page: Page
):
    page.set_viewport_size(DESKTOP)
    existing = suggest(org.colleague, to=org.it, title=EXISTING, body="It jams every day.")
    existing_id = existing.suggestion.pk

    # Rita starts a suggestion; while she types, the printer one is offered to vote for.
    sign_in(page, live_server, "rita", PASSWORD)
    page.get_by_role("link", name="Suggestions", exact=True).click()
    page.get_by_role("link", name="Suggest an improvement").click()
    expect(page.get_by_role("heading", name="Suggest an improvement", level=1)).to_be_visible()
    check_at_both_widths(page, "suggestion-form")
    page.get_by_label("To", exact=True).select_option(label="Information Technology")
    page.get_by_label("Title").press_sequentially("Printers jam", delay=20)
    similar = page.get_by_role("complementary", name="Similar suggestions")
    expect(similar.get_by_role("link", name=EXISTING)).to_be_visible()
    expect(similar).to_contain_text("vote for one instead")
    check_at_both_widths(page, "suggestion-form-similar")
    # Hers is about something else after all: she sends it.
    page.get_by_label("Title").fill(MINE)
    page.get_by_label("What should change, and why").fill("A jam should open a request by itself.")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("your suggestion is sent")
    expect(page.get_by_role("heading", name=MINE, level=1)).to_be_visible()
    mine = Suggestion.objects.get(title=MINE)
    assert mine.author == org.requester

    # And she votes for the printer one too.
    page.goto(f"{live_server.url}/suggestions/{existing_id}/")
    page.get_by_role("button", name="Vote for it").click()
    expect(page.get_by_role("status")).to_contain_text("Your vote is counted")
    expect(page.get_by_role("heading", name="1 vote", level=2)).to_be_visible()
    sign_out(page)

    # IT's lead answers from the queue: a draft first, then published from the queue.
    sign_in(page, live_server, "lee", PASSWORD)
    page.goto(f"{live_server.url}/suggestions/queue/")
    expect(
        page.get_by_role("heading", name="Suggestions to Information Technology")
    ).to_be_visible()
    check_at_both_widths(page, "suggestion-queue")
    page.get_by_role("link", name=EXISTING).click()
    page.get_by_label("Move it to").select_option(label="Done")
    page.get_by_label("Response (the reason, when declining)").fill("A new printer is in.")
    page.get_by_label("What changed (when done)").fill("Floor 3 has a new printer.")
    page.get_by_role("button", name="Save a draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    page.get_by_role("link", name=re.compile("suggestion queue")).click()
    expect(page.get_by_text("Draft response", exact=True)).to_be_visible()
    page.get_by_label(re.compile(EXISTING)).check()
    page.get_by_role("button", name="Publish selected drafts").click()
    expect(page.get_by_role("status")).to_contain_text("Published 1 response to 1 suggestion")
    assert Response.objects.get().published_at is not None
    assert Suggestion.objects.get(pk=existing_id).status == "done"
    sign_out(page)

    # Una, elsewhere in the city, reads the board.
    sign_in(page, live_server, "una", PASSWORD)
    page.get_by_role("link", name="Suggestions", exact=True).click()
    page.get_by_role("link", name="You said, we did").click()
    expect(page.get_by_role("heading", name="You said, we did", level=1)).to_be_visible()
    done = page.get_by_role("article", name=EXISTING)
    expect(done).to_contain_text("Floor 3 has a new printer.")
    expect(done).to_contain_text("A new printer is in.")
    page.get_by_label("Department", exact=True).select_option(label="Human Resources")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("article", name=EXISTING)).to_have_count(0)
    page.get_by_label("Department", exact=True).select_option(label="Information Technology")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("article", name=EXISTING)).to_be_visible()
    check_at_both_widths(page, "suggestion-board")

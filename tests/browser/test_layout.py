"""Layout on a phone and on a desktop, with and without JavaScript, on the demo organization.

The pages carry a request whose subject, description and reply hold a 200-character word,
and an announcement and a service notice whose titles and texts do: people paste URLs, file
paths and serial numbers. On a 375 px screen no page may scroll
sideways and no table cell may be narrower than its longest word (which is how "one letter
per line" looks to the code); on a 1280 px screen the queue breaks no word inside a cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from staffdesk.announcements.drafts import Audience, Draft, NoticeDraft
from staffdesk.announcements.models import Announcement, AudienceRule, ServiceNotice
from staffdesk.announcements.services.announcements import (
    announcement_create,
    announcement_publish,
)
from staffdesk.announcements.services.notices import notice_post
from staffdesk.directory.models import Person
from staffdesk.requests.models import OPEN_STATUSES, Request
from staffdesk.requests.services import request_reply, request_submit
from tests.browser.conftest import DEMO_PASSWORD, TIMEOUT_MS, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
LONG_WORD = "x" * 200

# For every visible td/th laid out as a table cell (the queue's rows are cards on a phone,
# their cells lines of a card): the widest word's width (each word measured with a Range)
# and the cell's content width; words are what lies between spaces. A word wider than the
# cell was broken inside (or sticks out of it).
NARROW_CELLS = """() => {
  const narrow = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (!cell.getClientRects().length) continue;
    const style = getComputedStyle(cell);
    if (style.display !== "table-cell") continue;
    const content = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let widest = 0, word = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.getClientRects().length) continue;
      const pattern = /\\S+/g;
      for (let match; (match = pattern.exec(node.data)); ) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        // A broken word has one rectangle per line: its width is their sum.
        const width = [...range.getClientRects()].reduce((sum, rect) => sum + rect.width, 0);
        if (width > widest) { widest = width; word = match[0]; }
      }
    }
    if (widest > content + 1) {
      narrow.push(`${cell.tagName.toLowerCase()} "${word.slice(0, 30)}": word ${Math.round(widest)} px, cell ${Math.round(content)} px`);
    }
  }
  return narrow;
}"""


# What widens a page: elements that stick out on the right, or whose text overflows them.
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1
    || (element.clientWidth && element.scrollWidth > element.clientWidth + 1))
  .slice(-3)
  .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} ${element.scrollWidth}/${element.clientWidth} ${getComputedStyle(element).overflowWrap} ${element.textContent.slice(0,40)}`)"""


@dataclass(frozen=True)
class LongCase:
    """The request with the long words, its requester and the agent it was routed to."""

    request: Request
    requester: Person
    agent: Person


@pytest.fixture
def long_case(demo) -> LongCase:
    """A request of the demo employee, routed to the demo agent, with long words everywhere."""
    employee = Person.objects.get(username="employee")
    agent = Person.objects.get(username="agent")
    model = (
        Request.objects.filter(requester=employee, assignee=agent, status__in=OPEN_STATUSES)
        .select_related("service")
        .first()
    )
    assert model is not None, "the demo employee has an open request with the demo agent"
    request = request_submit(
        requester=employee,
        service=model.service,
        answers=model.answers,
        subject=LONG_WORD,
        description=f"The share {LONG_WORD} does not open.\nSince Monday.",
    )
    request.refresh_from_db()
    if request.assignee_id != agent.pk:
        request.assignee = agent
        request.save(update_fields=["assignee"])
    request_reply(request=request, author=agent, body=f"Try {LONG_WORD} instead.")
    return LongCase(request=request, requester=employee, agent=agent)


@dataclass(frozen=True)
class LongNews:
    """A required announcement to everyone and a notice on the long case's service, both
    with the long word in their title and text."""

    announcement: Announcement
    notice: ServiceNotice


@pytest.fixture
def long_news(long_case: LongCase) -> LongNews:
    lead = Person.objects.get(username="rchen")  # Finance's lead publishes for Finance
    assert lead.department is not None
    created = announcement_create(
        author=lead,
        department=lead.department,
        draft=Draft(
            title=LONG_WORD,
            body=f"Scan {LONG_WORD} before you file.",
            audience=[Audience(kind=AudienceRule.Kind.EVERYONE)],
            ack_required=True,
        ),
    )
    service = long_case.request.service
    notice = notice_post(
        author=long_case.agent,
        department=service.department,
        draft=NoticeDraft(
            kind=ServiceNotice.Kind.OUTAGE,
            title=LONG_WORD,
            message=f"The share {LONG_WORD} is down.",
            services=[service],
        ),
    )
    return LongNews(announcement_publish(actor=lead, announcement=created), notice)


@pytest.fixture(params=["javascript", "no-javascript"])
def javascript(request: pytest.FixtureRequest) -> bool:
    return request.param == "javascript"


@pytest.fixture
def phone(browser: Browser, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _phone_layout_problems(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state()
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.evaluate("window.innerWidth"):
        wide = ", ".join(page.evaluate(STICKING_OUT))
        problems.append(f"{url} scrolls sideways: {width} px wide ({wide})")
    problems += [f"{url} {cell}" for cell in page.evaluate(NARROW_CELLS)[:3]]
    return problems


def test_phone_pages_neither_scroll_sideways_nor_break_words_in_cells(
    long_case: LongCase, long_news: LongNews, live_server, phone: Page
):
    number = long_case.request.number
    announcement, notice = long_news.announcement.pk, long_news.notice.pk
    sign_in(phone, live_server, "employee", DEMO_PASSWORD)
    service = long_case.request.service
    problems = []
    for path in [
        "/",
        "/catalog/",
        f"/catalog/{service.department.code}/",
        f"/requests/new/{service.code}",
        "/requests/",
        f"/requests/{number}",
        "/notifications/",
        "/me/",
    ]:
        problems += _phone_layout_problems(phone, f"{live_server.url}{path}")
    expect(phone.get_by_role("heading", name="My profile")).to_be_visible()
    for path in ["/news/", f"/news/{announcement}", "/status/", f"/status/{notice}"]:
        problems += _phone_layout_problems(phone, f"{live_server.url}{path}")

    phone.context.clear_cookies()
    sign_in(phone, live_server, "agent", DEMO_PASSWORD)
    for path in [
        "/requests/queue/",
        f"/requests/{number}",
        "/notifications/",
        "/status/new",
        f"/status/{notice}",
    ]:
        problems += _phone_layout_problems(phone, f"{live_server.url}{path}")

    phone.context.clear_cookies()
    sign_in(phone, live_server, "rchen", DEMO_PASSWORD)  # the publisher's pages
    for path in ["/news/new", f"/news/{announcement}", f"/news/{announcement}/report"]:
        problems += _phone_layout_problems(phone, f"{live_server.url}{path}")
    assert problems == [], "\n".join(problems)


def test_phone_menu_works_without_javascript(demo, live_server, phone: Page, javascript: bool):
    sign_in(phone, live_server, "employee", DEMO_PASSWORD)
    navigation = phone.get_by_role("navigation", name="Main")
    menu = navigation.get_by_role("button", name="Show navigation")
    if javascript:
        # Bootstrap's collapse: the links stay behind the button until it is pressed.
        expect(navigation.get_by_role("link", name="My requests")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    else:
        expect(menu).to_be_hidden()
    for name in ["Home", "Catalog", "My requests", "Notifications", "Priya Natarajan"]:
        expect(navigation.get_by_role("link", name=name)).to_be_visible()
    navigation.get_by_role("link", name="My requests").click()
    expect(phone.get_by_role("heading", name="My requests", level=1)).to_be_visible()
    if javascript:
        menu.click()
    navigation.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_label("Username")).to_be_visible()


# The selected choice of a select and the room its box leaves for text.
SELECT_ROOM = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text, width: context.measureText(text).width, room,
          right: select.getBoundingClientRect().right, viewport: window.innerWidth};
}"""


def test_queue_on_a_desktop_breaks_no_word_and_shows_the_whole_sort(
    demo,
    live_server,
    page: Page,
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "agent", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/requests/queue/")
    expect(page.get_by_role("table")).to_be_visible()
    for choice in ["SLA urgency (what breaches first)", "Priority (P1 first, then oldest)"]:
        sort = page.get_by_label("Sort")
        sort.select_option(label=choice)
        expect(page).to_have_url(re.compile("sort="))
        room = sort.evaluate(SELECT_ROOM)
        assert room["width"] <= room["room"] and room["right"] <= room["viewport"], room
    assert page.evaluate(NARROW_CELLS) == []


def test_queue_on_a_phone_shows_priority_sla_due_and_assignee(
    long_case: LongCase, live_server, phone: Page
):
    sign_in(phone, live_server, "agent", DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/requests/queue/?assignee=me")
    # One table at every width: on a phone each row is a card, its cells stacked under
    # labels, and the column headers stay there for screen readers.
    table = phone.get_by_role("table", name=re.compile("Open requests"))
    cards = table.locator("tbody tr")
    expect(cards.first).to_be_visible()
    assert cards.count() > 1
    facts = {"Priority": "c-priority", "SLA due": "c-sla", "Assignee": "c-assignee"}
    for fact in facts:
        expect(table.get_by_role("columnheader", name=fact, exact=True)).to_have_count(1)
    first, second = (card.bounding_box() for card in cards.all()[:2])
    assert first and second and second["y"] >= first["y"] + first["height"], "cards stack"
    assert first["width"] <= PHONE["width"]
    for card in cards.all():
        for fact, cell_class in facts.items():
            cell = card.locator(f"td.{cell_class}")
            expect(cell).to_be_visible()
            expect(cell).not_to_be_empty()
            label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
            assert label.startswith(f'"{fact}"'), (fact, label)
    mine = cards.filter(has=phone.get_by_role("link", name=long_case.request.number))
    expect(mine).to_contain_text("Sofia Castillo")
    expect(mine).to_contain_text(long_case.request.get_priority_display())

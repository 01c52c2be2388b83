"""The agent queue and "My requests": filters, sorts, keyset pages, visibility, htmx, query counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.models import Membership
from staffdesk.requests import selectors
from staffdesk.requests.models import Request, Status
from staffdesk.requests.selectors import REQUEST_SORTS
from staffdesk.requests.services import (
    request_assign,
    request_submit,
    request_transition,
    watcher_add,
)
from tests.factories import ServiceFactory

QUEUE = "/requests/queue/"
MINE = "/requests/"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
NUMBER_LINK = re.compile(r'<a href="/requests/([A-Z]+-\d{6})">')
PAGE_LINK = re.compile(
    r'<a class="[^"]*" href="([^"]+)"[^>]*>(First page|Previous page|Next page)</a>'
)


def numbers(response) -> list[str]:
    """The request numbers linked in a list page, in the order shown."""
    return NUMBER_LINK.findall(response.content.decode())


def page_links(response) -> dict[str, str]:
    return {label: unescape(url) for url, label in PAGE_LINK.findall(response.content.decode())}


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def walk(client: Client, url: str, *, link: str = "Next page") -> list[list[str]]:
    """Follow `link` from `url` to the end; the numbers of every page visited."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(numbers(response))
        url = page_links(response).get(link, "")
        assert len(pages) < 20, "pagination does not end"
    return pages


@dataclass
class Queue:
    """60 open IT requests (3 per minute, so sort keys tie), some closed, HR confidential ones."""

    open_it: list[Request]
    phone_service_code: str


@pytest.fixture
def queue(org) -> Queue:
    phone = ServiceFactory(department=org.it, code="it-phone", name="Desk phone")
    requests = []
    for i in range(60):
        at = START + timedelta(minutes=i // 3)
        if i % 4 == 0:
            request = request_submit(
                requester=org.colleague,
                service=phone,
                answers={},
                subject=f"Phone line {i}",
                priority=1 + i % 3,
                now=at,
            )
        else:
            request = request_submit(
                requester=org.requester,
                service=org.laptop,
                answers=LAPTOP_ANSWERS,
                subject=f"Laptop {i}",
                priority=1 + i % 4,
                now=at,
            )
        requests.append(request)
    for request in requests[:10:3]:
        request_transition(
            request=request, actor=org.it_point, to_status=Status.IN_PROGRESS, now=START
        )
    # Updated in an order unlike the filing order, so "recently updated" is its own order.
    for step, request in enumerate(requests[5:60:11]):
        request_assign(
            request=request,
            actor=org.it_lead,
            assignee=org.it_agent,
            now=START + timedelta(hours=2, minutes=-step),
        )
    for i in range(5):
        done = request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"Done laptop {i}",
            now=START,
        )
        request_transition(request=done, actor=org.it_point, to_status=Status.RESOLVED, now=START)
    for i in range(3):
        request_submit(
            requester=org.requester,
            service=org.leave,
            answers={"reason": "family"},
            subject=f"Laptop leave {i}",
            now=START,
        )
    open_it = list(Request.objects.filter(department=org.it, status__in=OPEN_STATUS_VALUES))
    assert len(open_it) == 60
    return Queue(open_it=open_it, phone_service_code=phone.code)


OPEN_STATUS_VALUES = [
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING_ON_REQUESTER,
]


def expected(requests: list[Request], sort: str) -> list[str]:
    keys = REQUEST_SORTS[sort]
    ordered = Request.objects.filter(pk__in=[r.pk for r in requests]).order_by(*keys)
    return [r.number for r in ordered]


# --- the queue ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "unrelated"])
def test_the_queue_is_not_found_for_people_without_a_team(org, who):
    response = signed_in(getattr(org, who)).get(QUEUE)
    assert response.status_code == 404


@pytest.mark.parametrize("sort", ["newest", "oldest", "priority", "updated"])
def test_queue_pages_show_every_open_request_exactly_once_in_sort_order(org, queue, sort):
    client = signed_in(org.it_point)
    pages = walk(client, f"{QUEUE}?sort={sort}")
    assert [len(page) for page in pages] == [25, 25, 10]
    shown = [number for page in pages for number in page]
    assert shown == expected(queue.open_it, sort)

    # And back: from the last page, "Previous page" gives the same pages in reverse.
    last = client.get(f"{QUEUE}?sort={sort}")
    last = client.get(page_links(last)["Next page"])
    last_url = page_links(last)["Next page"]
    backwards = walk(client, last_url, link="Previous page")
    assert backwards == pages[::-1]


def test_queue_sorts_mean_what_they_say(org, queue):
    client = signed_in(org.it_point)
    by_number = {r.number: r for r in queue.open_it}

    newest = [by_number[n] for n in numbers(client.get(f"{QUEUE}?sort=newest"))]
    assert newest[0].created_at == max(r.created_at for r in queue.open_it)
    oldest = [by_number[n] for n in numbers(client.get(f"{QUEUE}?sort=oldest"))]
    assert oldest[0].created_at == START
    priority = [by_number[n] for n in numbers(client.get(f"{QUEUE}?sort=priority"))]
    assert [r.priority for r in priority] == sorted(r.priority for r in priority)
    p1 = [r for r in priority if r.priority == 1]
    assert [r.created_at for r in p1] == sorted(r.created_at for r in p1)
    updated = [by_number[n] for n in numbers(client.get(f"{QUEUE}?sort=updated"))]
    assert updated[0].assignee == org.it_agent


def test_queue_shows_open_requests_of_my_department_only(org, queue):
    html = signed_in(org.it_point).get(f"{QUEUE}?q=laptop").content.decode()
    assert "Done laptop" not in html
    assert "Laptop leave" not in html  # HR's confidential cases, even when the text matches
    assert "HR-" not in html
    assert "Page 1: showing 25 of 45 open requests." in html
    assert 'class="badge status status-new">New</span>' in html


def _file_it_requests(org, count: int) -> list[Request]:
    phone = ServiceFactory(department=org.it, code="it-phone", name="Desk phone")
    return [
        request_submit(
            requester=org.colleague if i % 3 else org.requester,
            service=phone if i % 3 else org.laptop,
            answers={} if i % 3 else LAPTOP_ANSWERS,
            subject=f"Desk phone {i}" if i % 3 else f"Laptop {i}",
            priority=1 if i < 4 else 3,
            now=START + timedelta(minutes=i),
        )
        for i in range(count)
    ]


def status_line(response) -> str:
    """The sentence above the results that says how many there are."""
    match = re.search(
        r'<p class="text-body-secondary" role="status">(.*?)</p>', response.content.decode()
    )
    assert match, "no status line"
    return match.group(1)


def test_queue_says_how_many_requests_the_filters_match(org):
    requests = _file_it_requests(org, 27)
    request_transition(request=requests[0], actor=org.it_point, to_status=Status.RESOLVED)
    request_assign(request=requests[1], actor=org.it_lead, assignee=org.it_agent)
    request_submit(
        requester=org.colleague, service=org.leave, answers={"reason": "x"}, subject="Desk leave"
    )
    client = signed_in(org.it_point)

    first = client.get(QUEUE)
    assert status_line(first) == "Page 1: showing 25 of 26 open requests."
    second = client.get(page_links(first)["Next page"])
    assert status_line(second) == "Page 2: showing 1 of 26 open requests."
    request_submit(
        requester=org.colleague, service=org.laptop, answers=LAPTOP_ANSWERS, subject="One more"
    )
    assert status_line(client.get(QUEUE)) == "Page 1: showing 25 of 27 open requests."

    assert status_line(client.get(f"{QUEUE}?priority=1")) == "Page 1: showing 3 of 3 open requests."
    assert status_line(client.get(f"{QUEUE}?service=it-phone")) == (
        "Page 1: showing 18 of 18 open requests."
    )
    assert status_line(client.get(f"{QUEUE}?assignee={org.it_agent.pk}")) == (
        "Page 1: showing 1 of 1 open request."
    )
    assert status_line(client.get(f"{QUEUE}?status=new&q=laptop")) == (
        "Page 1: showing 8 of 8 open requests."
    )
    assert status_line(client.get(f"{QUEUE}?q=nothing")) == "No open requests match these filters."


def test_queue_count_stops_at_the_cap(org, monkeypatch):
    _file_it_requests(org, 27)
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 20)
    client = signed_in(org.it_point)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert status_line(response) == "Page 1: showing 25 of more than 20 open requests."
    (count,) = [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT(" in query["sql"].upper() and "requests_request" in query["sql"]
    ]
    assert "LIMIT 21" in count
    assert status_line(client.get(f"{QUEUE}?priority=1")) == "Page 1: showing 4 of 4 open requests."


def test_queue_count_follows_what_the_viewer_may_see(org):
    _file_it_requests(org, 3)
    for i in range(2):
        request_submit(
            requester=org.colleague,
            service=org.leave,
            answers={"reason": "x"},
            subject=f"Leave {i}",
        )
    assert (
        status_line(signed_in(org.hr_agent).get(QUEUE)) == "Page 1: showing 2 of 2 open requests."
    )
    assert status_line(signed_in(org.admin).get(f"{QUEUE}?department=IT")) == (
        "Page 1: showing 3 of 3 open requests."
    )


def test_an_org_admin_chooses_a_department_and_sees_its_queue_without_confidential_cases(
    org, queue
):
    client = signed_in(org.admin)
    start = client.get(QUEUE)
    assert start.status_code == 200
    html = start.content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{QUEUE}">Queue</a>' in html
    assert "Choose a department to see its open requests." in html
    assert numbers(start) == []
    assert '<option value="IT">Information Technology</option>' in html
    # HR offers only a confidential service: its cases stay hidden from organization admins.
    assert '<option value="HR">' not in html

    it = client.get(f"{QUEUE}?department=IT")
    assert it.status_code == 200
    assert status_line(it) == "Page 1: showing 25 of 60 open requests."
    every_page = [n for page in walk(client, f"{QUEUE}?department=IT&sort=oldest") for n in page]
    assert every_page == expected(queue.open_it, "oldest")
    assert f'<option value="{org.it_agent.pk}">' in it.content.decode()  # IT's team to filter by

    hr = client.get(f"{QUEUE}?department=HR")
    assert hr.status_code == 200
    assert "HR-" not in hr.content.decode()
    assert 'aria-invalid="true"' in hr.content.decode()


def test_an_agent_who_is_no_admin_cannot_open_another_department(org, queue):
    response = signed_in(org.hr_agent).get(f"{QUEUE}?department=IT")
    assert response.status_code == 200
    assert not any(number.startswith("IT-") for number in numbers(response))


def test_hr_agent_sees_confidential_cases_of_hr_and_nothing_of_it(org, queue):
    shown = numbers(signed_in(org.hr_agent).get(QUEUE))
    assert len(shown) == 3
    assert all(number.startswith("HR-") for number in shown)


def test_queue_filters(org, queue):
    client = signed_in(org.it_point)
    it = queue.open_it

    def all_shown(query: str) -> list[str]:
        return sorted(n for page in walk(client, f"{QUEUE}?{query}") for n in page)

    def numbers_of(requests) -> list[str]:
        return sorted(r.number for r in requests)

    assert all_shown("assignee=none") == numbers_of(r for r in it if r.assignee_id is None)
    assert all_shown("assignee=me") == numbers_of(r for r in it if r.assignee == org.it_point)
    assert all_shown(f"assignee={org.it_agent.pk}") == numbers_of(
        r for r in it if r.assignee == org.it_agent
    )
    assert all_shown("status=in_progress") == numbers_of(
        r for r in it if r.status == Status.IN_PROGRESS
    )
    assert all_shown("priority=1") == numbers_of(r for r in it if r.priority == 1)
    assert all_shown(f"service={queue.phone_service_code}") == numbers_of(
        r for r in it if r.service.code == queue.phone_service_code
    )
    assert all_shown("q=phone&priority=2") == numbers_of(
        r for r in it if "Phone" in r.subject and r.priority == 2
    )
    assert all_shown(f"q={it[7].number}") == [it[7].number]
    assert all_shown("status=new&assignee=none&priority=3&sort=oldest") == numbers_of(
        r for r in it if r.status == Status.NEW and r.assignee_id is None and r.priority == 3
    )


def test_queue_form_has_labelled_filters_and_quick_views(org, queue):
    html = signed_in(org.it_point).get(f"{QUEUE}?assignee=none").content.decode()
    for control, label in [
        ("status", "Status"),
        ("assignee", "Assignee"),
        ("service", "Service"),
        ("priority", "Priority"),
        ("q", "Search"),
        ("sort", "Sort"),
    ]:
        assert f'<label class="form-label" for="id_{control}">{label}</label>' in html
    assert 'for="id_department"' not in html  # only one department: no department filter
    assert f'<option value="{org.it_agent.pk}">Alex Agent</option>' in html
    assert '<option value="none" selected>Unassigned</option>' in html
    assert '<option value="hr-leave"' not in html
    assert f'href="{QUEUE}?assignee=me"' in html
    assert f'href="{QUEUE}?assignee=none"' in html


def test_agent_on_two_teams_filters_by_department(org, queue):
    Membership.objects.create(person=org.it_agent, department=org.hr)
    client = signed_in(org.it_agent)
    everything = [n for page in walk(client, QUEUE) for n in page]
    assert len(everything) == 63
    html = client.get(QUEUE).content.decode()
    assert '<label class="form-label" for="id_department">Department</label>' in html
    assert '<optgroup label="Human Resources">' in html
    hr_only = numbers(client.get(f"{QUEUE}?department=HR"))
    assert len(hr_only) == 3
    assert all(n.startswith("HR-") for n in hr_only)


def test_bad_filter_values_are_shown_and_ignored(org, queue):
    response = signed_in(org.it_point).get(f"{QUEUE}?priority=9&assignee={org.hr_agent.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_priority-error"' in html
    assert 'id="id_assignee-error"' in html
    assert 'aria-invalid="true"' in html
    assert len(numbers(response)) == 25


def test_a_foreign_cursor_falls_back_to_the_first_page(org, queue):
    client = signed_in(org.it_point)
    second = page_links(client.get(f"{QUEUE}?sort=priority"))["Next page"]
    response = client.get(second.replace("sort=priority", "sort=oldest"))
    assert response.status_code == 200
    assert "This page link is no longer valid" in response.content.decode()
    assert numbers(response) == expected(queue.open_it, "oldest")[:25]
    response = client.get(f"{QUEUE}?sort=newest&cursor=garbage")
    assert numbers(response) == expected(queue.open_it, "newest")[:25]


def test_htmx_gets_only_the_results(org, queue):
    client = signed_in(org.it_point)
    response = client.get(
        f"{QUEUE}?assignee=none", headers={"HX-Request": "true", "HX-Target": "queue-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert "<table" in html
    assert "HX-Request" in response["Vary"]
    # A quick view swaps the whole panel (form included), so it gets the page to select from.
    panel = client.get(
        f"{QUEUE}?assignee=me", headers={"HX-Request": "true", "HX-Target": "queue-panel"}
    )
    assert 'id="queue-panel"' in panel.content.decode()
    # Going back in history restores a whole page.
    restore = client.get(
        QUEUE,
        headers={
            "HX-Request": "true",
            "HX-Target": "queue-results",
            "HX-History-Restore-Request": "true",
        },
    )
    assert "<html" in restore.content.decode()


@pytest.mark.parametrize(
    "query", ["", "?sort=priority&assignee=none&q=laptop", "?sort=updated&priority=2"]
)
def test_queue_query_count_does_not_grow_with_the_list(
    org, queue, query, django_assert_max_num_queries
):
    client = signed_in(org.it_point)
    # 10 with the banner of announcements to acknowledge (every page reads it).
    with django_assert_max_num_queries(10):
        first = client.get(f"{QUEUE}{query}")
    assert first.status_code == 200
    next_url = page_links(first).get("Next page")
    if next_url:
        with django_assert_max_num_queries(10):
            assert client.get(next_url).status_code == 200


# --- my requests -------------------------------------------------------------------------


@dataclass
class Mine:
    filed: Request
    for_me: Request
    watched: Request
    not_mine: Request
    confidential_watched: Request


@pytest.fixture
def mine(org) -> Mine:
    filed = request_submit(
        requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS, subject="My own"
    )
    for_me = request_submit(
        requester=org.it_agent,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject="Filed for Rita",
        on_behalf_of=org.requester,
    )
    watched = request_submit(
        requester=org.colleague, service=org.laptop, answers=LAPTOP_ANSWERS, subject="Colin's"
    )
    watcher_add(request=watched, actor=org.colleague, person=org.requester)
    not_mine = request_submit(
        requester=org.colleague, service=org.laptop, answers=LAPTOP_ANSWERS, subject="Not hers"
    )
    confidential = request_submit(
        requester=org.colleague, service=org.leave, answers={"reason": "x"}, subject="Secret"
    )
    # Services refuse watchers on confidential cases; a stray row must still show nothing.
    confidential.watchers.create(person=org.requester)
    return Mine(filed, for_me, watched, not_mine, confidential)


def test_my_requests_shows_filed_on_behalf_and_watched_and_nothing_else(org, mine):
    client = signed_in(org.requester)
    response = client.get(MINE)
    assert response.status_code == 200
    shown = set(numbers(response))
    assert shown == {mine.filed.number, mine.for_me.number, mine.watched.number}
    html = response.content.decode()
    assert "Pete Point" in html  # who is on it
    assert "Secret" not in html

    assert set(numbers(client.get(f"{MINE}?relation=filed"))) == {
        mine.filed.number,
        mine.for_me.number,
    }
    assert numbers(client.get(f"{MINE}?relation=watching")) == [mine.watched.number]
    assert numbers(client.get(f"{MINE}?q=own")) == [mine.filed.number]


def test_an_agent_sees_only_what_concerns_them_not_their_team_queue(org, mine):
    shown = numbers(signed_in(org.it_point).get(MINE))
    assert shown == []
    shown = numbers(signed_in(org.it_agent).get(MINE))
    assert shown == [mine.for_me.number]


def test_my_requests_status_groups(org, mine):
    request_transition(request=mine.filed, actor=org.it_point, to_status=Status.RESOLVED)
    request_transition(request=mine.watched, actor=org.colleague, to_status=Status.CANCELLED)
    client = signed_in(org.requester)
    assert numbers(client.get(MINE)) == [mine.for_me.number]
    assert set(numbers(client.get(f"{MINE}?status=done"))) == {
        mine.filed.number,
        mine.watched.number,
    }
    assert len(numbers(client.get(f"{MINE}?status=all"))) == 3


def test_unassigned_requests_show_the_department_queue(org):
    phone = ServiceFactory(department=org.it, code="it-phone", name="Desk phone")
    request_submit(requester=org.requester, service=phone, answers={})
    html = signed_in(org.requester).get(MINE).content.decode()
    assert "Information Technology queue" in html


def test_my_requests_pages_and_query_count(org, django_assert_max_num_queries):
    filed = [
        request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"Laptop {i}",
            now=START + timedelta(minutes=i // 4),
        )
        for i in range(62)
    ]
    for request in filed[:6]:
        watcher_add(request=request, actor=org.requester, person=org.colleague)
    client = signed_in(org.requester)
    with django_assert_max_num_queries(9):
        first = client.get(MINE)
    with django_assert_max_num_queries(9):
        client.get(page_links(first)["Next page"])
    pages = walk(client, MINE)
    assert [len(page) for page in pages] == [25, 25, 12]
    assert [n for page in pages for n in page] == expected(filed, "newest")

    response = client.get(MINE, headers={"HX-Request": "true", "HX-Target": "mine-results"})
    assert "<html" not in response.content.decode()
    assert len(numbers(response)) == 25

"""The stored SLA fields follow the timeline, the tick moves them on time, rebuild agrees."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import SLA_NEVER, Request
from staffdesk.requests.services import (
    request_reply,
    request_set_priority,
    request_submit,
    request_transition,
)
from staffdesk.requests.sla.rebuild import sla_rebuild
from staffdesk.requests.sla.tick import sla_tick

NY = ZoneInfo("America/New_York")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def _file(org, now):
    return request_submit(
        requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS, now=now
    )


def test_filing_records_the_agreement_and_its_clocks(org, agreement):
    item = Request.objects.get(pk=_file(org, at(16, 17)).pk)
    assert item.sla_agreement == agreement
    assert item.response_due_at == at(17, 11)
    assert item.response_state == "running"
    assert item.resolution_due_at == at(18, 17)  # 20 business hours
    assert item.sla_due_at == at(17, 11)
    assert item.next_check_at == at(17, 10)  # 75 % of the response target


def test_no_agreement_means_no_clocks(org):
    item = Request.objects.get(pk=_file(org, at(16, 17)).pk)
    assert item.sla_agreement is None and item.next_check_at is None
    assert item.sla_due_at == SLA_NEVER


def test_acknowledging_meets_the_response_and_waiting_pauses_resolution(org, agreement):
    item = _file(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="acknowledged", now=at(17, 9))
    request_transition(
        request=item, actor=org.it_point, to_status="waiting_on_requester", now=at(17, 9)
    )
    request_reply(request=item, author=org.requester, body="Cost centre 4411", now=at(17, 12))
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.response_state == "met"
    assert item.sla_paused_seconds == 3 * 3600
    assert item.resolution_due_at == at(19, 10)  # pushed by three business hours


def test_team_reply_is_a_first_response_but_a_requester_reply_is_not(org, agreement):
    item = _file(org, at(16, 17))
    request_reply(request=item, author=org.requester, body="any news?", now=at(17, 9))
    item.refresh_from_db()
    assert item.response_state == "running"
    request_reply(request=item, author=org.it_point, body="on it", now=at(17, 9, 30))
    item.refresh_from_db()
    assert item.response_state == "met"


def test_priority_change_retargets_from_the_original_start(org, agreement):
    item = _file(org, at(16, 17))
    request_set_priority(request=item, actor=org.it_point, priority=1, now=at(16, 17, 30))
    item.refresh_from_db()
    assert item.response_due_at == at(16, 18)  # 1 h from Monday 17:00
    assert item.resolution_due_at == at(17, 11)  # 4 h


def test_tick_moves_clocks_to_at_risk_and_breached_once_each(org, agreement):
    item = _file(org, at(16, 17))
    assert sla_tick(now=at(17, 9)) == 0
    assert sla_tick(now=at(17, 10)) == 1
    item.refresh_from_db()
    assert item.response_state == "at_risk" and item.next_check_at == at(17, 11)
    assert sla_tick(now=at(17, 10, 30)) == 0
    # A worker that was down for two hours catches up in one tick.
    assert sla_tick(now=at(17, 13)) == 1
    item.refresh_from_db()
    assert item.response_state == "breached"
    assert item.sla_due_at == at(17, 11)  # still the most urgent: breached, not answered


def test_rebuild_changes_nothing_after_the_tick(org, agreement):
    item = _file(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="acknowledged", now=at(17, 9))
    _file(org, at(17, 9))
    sla_tick(now=at(17, 12))
    assert sla_rebuild(now=at(17, 12)).changed == []
    Request.objects.filter(pk=item.pk).update(resolution_due_at=at(30, 9))
    assert sla_rebuild(now=at(17, 12)).changed == [item.number]
    assert sla_rebuild(now=at(17, 12)).changed == []


def test_idle_tick_reads_the_index_only(org, agreement, django_assert_max_num_queries):
    _file(org, at(16, 17))
    with django_assert_max_num_queries(3):
        assert sla_tick(now=at(16, 17, 1)) == 0


def test_request_page_and_api_show_the_clocks(org, agreement, client, settings):
    settings.TIME_ZONE = "America/New_York"
    item = _file(org, at(16, 17))
    request_transition(request=item, actor=org.it_point, to_status="acknowledged", now=at(17, 9))
    request_transition(
        request=item, actor=org.it_point, to_status="waiting_on_requester", now=at(17, 9)
    )
    client.force_login(org.requester)
    with time_machine.travel(at(17, 11, 10), tick=False):
        page = client.get(f"/requests/{item.number}").content.decode()
        detail = client.get(f"/api/v1/requests/{item.number}").json()
    assert "Service level" in page and "IT for everyone" in page
    assert "paused 2 h 10 min waiting on requester" in page
    sla = detail["sla"]
    assert sla["response"]["state"] == "met"
    assert sla["resolution"]["state"] == "paused"
    assert sla["explanation"][0] == "paused 2 h 10 min waiting on requester"


def test_queue_sorts_by_what_breaches_first(org, agreement, client):
    calm = _file(org, at(16, 9))
    request_set_priority(request=calm, actor=org.it_point, priority=4, now=at(16, 9))
    urgent = _file(org, at(16, 10))
    request_set_priority(request=urgent, actor=org.it_point, priority=1, now=at(16, 10))
    middle = _file(org, at(16, 11))
    client.force_login(org.it_point)
    page = client.get("/requests/queue/").content.decode()  # urgency is the default sort
    order = [page.index(r.number) for r in (urgent, middle, calm)]
    assert order == sorted(order)
    assert "SLA due" in page


def test_request_page_with_clocks_stays_at_twelve_queries(
    org, agreement, client, django_assert_max_num_queries
):
    item = _file(org, at(16, 17))
    client.force_login(org.it_point)
    client.get(f"/requests/{item.number}")  # fills the per-process calendar cache
    # 12 for the team: with the department's resolution codes (the resolve form), the
    # requester's other open requests and the banner of announcements to acknowledge.
    with django_assert_max_num_queries(12):
        assert client.get(f"/requests/{item.number}").status_code == 200


def test_due_times_name_their_time_zone(org, agreement, client):
    """A due time is read against a calendar in another zone: it says which zone it is in."""
    item = _file(org, at(16, 17))
    client.force_login(org.requester)
    with time_machine.travel(at(16, 17, 5), tick=False):
        page = client.get(f"/requests/{item.number}").content.decode()
    assert re.search(r"due <time [^>]*>Tue 17 Nov, 11:00 EST</time>", page), page

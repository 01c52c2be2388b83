"""The Escalate button and the escalation panel on the request page (Django's test client)."""

from __future__ import annotations

import re
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services import escalation_tick, request_escalate
from staffdesk.requests.services import watcher_add
from tests.escalation.conftest import at, file_laptop

REASON = "The new analyst starts on Monday and has nothing to work on."
HTMX = {"HTTP_HX_REQUEST": "true"}


def _read(html: str) -> str:
    """What a person reads: the HTML without tags, entities decoded, whitespace folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _text(response) -> str:
    return _read(response.content.decode())


def _panel(response) -> str:
    """The text of the escalation section only, or "" when the page has none."""
    html = response.content.decode()
    found = re.search(r'<section[^>]*aria-labelledby="escalation-heading".*?</section>', html, re.S)
    return _read(found.group(0)) if found else ""


def _get(client, person, item, when):
    with time_machine.travel(when, tick=False):
        client.force_login(person)
        return client.get(reverse("requests:detail", kwargs={"number": item.number}))


def _escalate(client, person, item, when, reason=REASON, **extra):
    with time_machine.travel(when, tick=False):
        client.force_login(person)
        url = reverse("escalation:escalate", kwargs={"number": item.number})
        return client.post(url, {"reason": reason}, **extra)


@pytest.fixture
def item(org, policy):
    return file_laptop(org, at(16, 17))  # Monday 17:00 New York; answer due Tuesday 11:00


def test_the_requester_reads_from_when_then_gets_the_button(client, org, item):
    early = _get(client, org.requester, item, at(17, 10))
    assert _panel(early) == (
        "Escalation You can escalate from 17 Nov 2026, 11:00 EST if nobody from Information "
        "Technology has answered by then."
    )
    assert 'name="reason"' not in early.content.decode()

    late = _get(client, org.requester, item, at(17, 11))
    panel = _panel(late)
    assert "Why are you escalating?" in panel
    assert "It goes to level 1, Point person, with your reason." in panel
    assert re.search(r"<button[^>]*>Escalate</button>", late.content.decode())


@pytest.mark.parametrize("who", ["it_point", "it_lead", "admin", "colleague"])
def test_nobody_but_the_requesters_side_gets_the_button(client, org, item, who):
    watcher_add(request=item, actor=org.requester, person=org.colleague, now=at(16, 17, 5))
    response = _get(client, getattr(org, who), item, at(17, 11))
    assert response.status_code == 200
    assert 'name="reason"' not in response.content.decode()
    assert _panel(response) == ""  # nothing has fired yet, and they cannot escalate


def test_escalating_fires_the_next_level_and_the_timeline_shows_the_reason(client, org, item):
    response = _escalate(client, org.requester, item, at(17, 11))
    assert response.status_code == 302
    page = _get(client, org.requester, item, at(17, 11, 1))
    text = _text(page)
    assert "Escalated to level 1 (Point person)." in text
    assert (
        f"Rita Requester escalated it to level 1, Point person (told Pete Point) · "
        f"17 Nov 2026, 11:00 EST {REASON}" in (text)
    )
    assert "It goes to level 2, Department lead, with your reason." in _panel(page)
    assert Escalation.objects.get(request=item).reason == REASON


def test_htmx_escalation_answers_with_the_section_and_its_message(client, org, item):
    response = _escalate(client, org.requester, item, at(17, 11), **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="request-page"')
    assert "Escalated to level 1 (Point person)." in _text(response)
    assert "Rita Requester escalated it to level 1, Point person" in _text(response)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_an_empty_reason_keeps_the_page_with_the_error_beside_the_field(client, org, item, headers):
    response = _escalate(client, org.requester, item, at(17, 11), reason="  ", **headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'aria-describedby="escalation-help escalation-reason-errors"' in html
    errors = re.search(r'<div id="escalation-reason-errors"[^>]*>(.*?)</div>', html).group(1)
    assert errors == "this field is required"
    assert "Say why you are escalating: the people it goes to will read it." in _text(response)
    assert not Escalation.objects.exists()


def test_a_refused_long_reason_keeps_what_was_typed(client, org, item):
    typed = "Please. " * 300
    response = _escalate(client, org.requester, item, at(17, 11), reason=typed)
    assert response.status_code == 422
    assert "keep it under 2000" in _text(response)
    assert typed.strip() in unescape(response.content.decode())


def test_the_team_sees_each_fired_level_by_the_policy_or_by_the_requester(client, org, item):
    escalation_tick(now=at(17, 10))  # 75 % of the response target: level 1
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))

    team = _get(client, org.it_agent, item, at(17, 11, 5))
    panel = _panel(team)
    assert (
        "Level 1, Point person · 17 Nov 2026, 10:00 EST By the policy: 75 % of the first response "
        "target used. Told Pete Point."
    ) in panel
    assert f"Level 2, Department lead · 17 Nov 2026, 11:00 EST By Rita Requester: {REASON}" in panel
    text = _text(team)
    assert "Internal escalation — not visible to the requester" in text
    assert (
        "staffdesk escalated it to level 1, Point person: 75 % of the first response target used"
    ) in text

    # The requester sees their own escalation, not the policy's internal step.
    mine = _text(_get(client, org.requester, item, at(17, 11, 5)))
    assert "Rita Requester escalated it to level 2, Department lead" in mine
    assert "level 1, Point person" not in mine and "Internal escalation" not in mine


def test_the_team_is_refused_with_the_reason(client, org, item):
    response = _escalate(client, org.it_point, item, at(17, 11))
    assert response.status_code == 403
    assert "Only the requester, or the person it was filed for, can escalate." in _text(response)
    assert not Escalation.objects.exists()


def test_too_early_is_refused_with_from_when(client, org, item):
    response = _escalate(client, org.requester, item, at(17, 10), **HTMX)
    assert response.status_code == 409
    assert "You can escalate from 17 Nov 2026, 11:00 EST" in _text(response)
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "unrelated", "hr_agent"])
def test_someone_who_cannot_see_the_request_gets_404(client, org, item, who):
    assert _escalate(client, getattr(org, who), item, at(17, 11)).status_code == 404
    assert _escalate(client, getattr(org, who), item, at(17, 11), **HTMX).status_code == 404
    assert not Escalation.objects.exists()


def test_signed_out_and_get_are_refused(client, item):
    url = reverse("escalation:escalate", kwargs={"number": item.number})
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302 and "/signin/" in response.url
    client.force_login(item.requester)
    assert client.get(url).status_code == 405
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("who", ["requester", "it_point"])
def test_the_panel_keeps_the_page_at_a_few_queries(
    client, org, item, who, django_assert_max_num_queries
):
    escalation_tick(now=at(17, 10))
    request_escalate(request=item, actor=org.requester, reason=REASON, now=at(17, 11))
    _get(client, getattr(org, who), item, at(17, 12))  # a first visit settles the session
    # The team's page also lists the department's resolution codes (the resolve form) and
    # the requester's other open requests; every page reads the banner of announcements.
    budget = 12 if who == "it_point" else 10
    with time_machine.travel(at(17, 12), tick=False), django_assert_max_num_queries(budget):
        response = client.get(reverse("requests:detail", kwargs={"number": item.number}))
    assert "Escalation" in _panel(response)

"""Bad input on announcements gets a 4xx naming the field or the reason, and writes nothing;
Markdown that tries to run anything renders inert."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from staffdesk.announcements.models import Announcement
from staffdesk.core.markdown import ATTRIBUTES, TAGS
from tests.announcements.helpers import announce, department, rows, signed_in

BODY_MAX = 50_000


@pytest.fixture
def editor(client, org, fin_lead):
    """The Finance lead at the editor, with a form that would be accepted as it is."""
    signed_in(client, fin_lead)
    valid = {
        "department": org.fin.pk,
        "title": "Budget round",
        "body": "Numbers are due on the 5th.",
        "departments": [org.fin.pk],
    }
    return client, valid


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": ""}, "title", "give the announcement a title"),
        ({"title": "   "}, "title", "give the announcement a title"),
        ({"title": "T" * 201}, "title", "at most 200 characters"),
        ({"body": ""}, "body", "write what people need to know"),
        ({"body": "x" * (BODY_MAX + 1)}, "body", "at most 50,000 characters, not 50,001"),
        ({"expires_at": "2001-01-05T09:00"}, "expires_at", "the expiry must be in the future"),
        ({"departments": ["999999"]}, "departments", "unknown department: 999999"),
        ({"teams": ["999998"]}, "teams", "unknown department: 999998"),
        ({"departments": [], "people": "nobody-by-that-name"}, "people", "Nobody matches"),
        ({"departments": []}, "audience", "choose who it is for"),
        ({"ack_due_on": "2031-01-06"}, "ack_due_on", "a due date needs a required acknowledgement"),
        ({"department": "IT"}, "department", "Enter a whole number"),
    ],
)
def test_the_editor_refuses_bad_input_naming_the_field_and_writes_nothing(
    editor, change, field, words
):
    client, valid = editor
    before = rows()

    response = client.post(reverse("announcements:new"), {**valid, **change})

    assert response.status_code == 422
    assert field in response.context["errors"]
    assert words in response.content.decode()
    assert rows() == before


def test_a_department_one_does_not_lead_is_forbidden(editor, org):
    client, valid = editor
    before = rows()
    response = client.post(reverse("announcements:new"), {**valid, "department": org.it.pk})
    assert response.status_code == 403
    assert "choose a department you lead" in response.content.decode()
    assert rows() == before


def test_a_body_of_exactly_the_limit_is_accepted(editor):
    client, valid = editor
    response = client.post(reverse("announcements:new"), {**valid, "body": "x" * BODY_MAX})
    assert response.status_code == 302
    assert len(Announcement.objects.get().body) == BODY_MAX


def _schedule(client, draft, when):
    return client.post(
        reverse("announcements:schedule", args=[draft.pk]),
        {"publish_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")},
    )


def test_scheduling_in_the_past_is_refused_naming_the_time(client, org, fin_lead):
    draft = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)], publish=False)
    signed_in(client, fin_lead)
    before = rows()

    response = _schedule(client, draft, timezone.now() - timedelta(hours=1))

    assert response.status_code == 422
    assert "publish_at" in response.context["errors"]
    assert "The publication time has passed" in response.content.decode()
    assert rows() == before
    assert Announcement.objects.get(pk=draft.pk).status == "draft"


def test_an_expiry_before_the_publication_time_is_refused(client, org, fin_lead):
    draft = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        publish=False,
        expires_at=timezone.now() + timedelta(days=1),
    )
    signed_in(client, fin_lead)
    before = rows()

    response = _schedule(client, draft, timezone.now() + timedelta(days=2))

    assert response.status_code == 422
    assert "expires_at" in response.context["errors"]
    assert "The expiry must come after the publication time" in response.content.decode()
    assert rows() == before
    assert Announcement.objects.get(pk=draft.pk).status == "draft"


# (what is wrong, the payload's changes, the field the 422 names) for POST /announcements.
API_CASES = [
    ("empty title", {"title": ""}, "title"),
    ("body too long", {"body": "x" * (BODY_MAX + 1)}, "body"),
    ("scheduled in the past", {"publish_at": "2001-01-05T09:00:00Z"}, "publish_at"),
    (
        "expires before it is published",
        {"publish_at": "2031-01-06T09:00:00Z", "expires_at": "2031-01-05T09:00:00Z"},
        "expires_at",
    ),
    ("unknown department", {"audience": {"departments": ["NOPE"]}}, "departments"),
    ("unknown team", {"audience": {"teams": ["NOPE"]}}, "teams"),
    ("unknown person", {"audience": {"people": ["nobody-by-that-name"]}}, "people"),
    ("a time without its offset", {"publish_at": "2031-01-06T09:00:00"}, "publish_at"),
    ("an expiry without its offset", {"expires_at": "2031-01-06T09:00:00"}, "expires_at"),
    ("empty audience", {"audience": {}}, "audience"),
    ("unknown role", {"audience": {"roles": ["owners"]}}, "audience.roles.0"),
]


def test_the_api_refuses_bad_input_naming_the_field_and_writes_nothing(org, fin_lead, api):
    client = api(fin_lead)
    valid = {
        "department": "FIN",
        "title": "Budget round",
        "body": "Numbers are due on the 5th.",
        "audience": {"departments": ["FIN"]},
        "publish": True,
    }
    before = rows()

    answers = {}
    for case, change, _ in API_CASES:
        response = client.post("/announcements", json={**valid, **change})
        answers[case] = (response.status_code, sorted(response.json()["errors"]))

    assert answers == {case: (422, [field]) for case, _, field in API_CASES}
    assert rows() == before


def test_acknowledging_one_that_asks_for_none_is_a_409_and_writes_nothing(client, org, fin_lead):
    news = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)], ack_required=False)
    signed_in(client, org.requester)
    before = rows()

    response = client.post(reverse("announcements:acknowledge", args=[news.pk]), {"version": "1"})

    assert response.status_code == 409
    assert "does not ask to be acknowledged" in response.content.decode()
    assert rows() == before


def test_acknowledging_one_addressed_to_others_is_refused_and_writes_nothing(client, org, fin_lead):
    for_water = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.water)], ack_required=True
    )
    before = rows()

    # Its publisher sees it, but it is not addressed to her: 403 with the reason.
    signed_in(client, fin_lead)
    as_publisher = client.post(reverse("announcements:acknowledge", args=[for_water.pk]))
    # Someone who does not even see it: 404.
    signed_in(client, org.requester)
    as_stranger = client.post(reverse("announcements:acknowledge", args=[for_water.pk]))

    assert (as_publisher.status_code, as_stranger.status_code) == (403, 404)
    assert "not addressed to you" in as_publisher.content.decode()
    assert rows() == before


# --- Markdown that tries to run anything ------------------------------------------------------

HOSTILE = """\
<script>alert(1)</script>

<img src=x onerror=alert(2)>

[click](javascript:alert(3)) [shout](JaVaScRiPt:alert(4)) [entity](&#106;avascript:alert(5))

[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)

![picture](javascript:alert(7)) <a href="javascript:alert(8)">raw link</a>

<div hx-get="/news/1/archive" hx-trigger="load">htmx</div> <span hx-post="/x">post</span>

<iframe src="https://evil.example"></iframe> <form action="/x"><input name=a></form>

[the policy](https://city.example/policy "Policy") and [mail](mailto:desk@city.example)
"""


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_hostile_markdown_renders_inert(client, org, fin_lead):
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        title="<script>alert(9)</script> Policy",
        body=HOSTILE,
    )
    parser = _Elements()
    parser.feed(news.body_html)

    tags = {tag for tag, _ in parser.found}
    attributes = {name for _, attrs in parser.found for name in attrs}
    links = [attrs.get("href") for tag, attrs in parser.found if tag == "a"]
    assert tags <= TAGS, tags - TAGS
    assert attributes <= {"href", "title", "rel", *ATTRIBUTES["ol"], *ATTRIBUTES["td"]}
    assert [href for href in links if href] == [
        "https://city.example/policy",
        "mailto:desk@city.example",
    ]
    # The raw HTML is shown as text, where it runs nothing.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in news.body_html

    signed_in(client, org.requester)
    page = _Elements()
    page.feed(client.get(reverse("announcements:detail", args=[news.pk])).content.decode())
    dangerous = [
        (tag, name, value)
        for tag, attrs in page.found
        for name, value in attrs.items()
        if name.startswith("on")
        or (
            name in ("href", "src", "action")
            and (value or "").lower().startswith(("javas", "data"))
        )
        or (name.startswith("hx-") and "/news/1/archive" in (value or ""))
    ]
    assert dangerous == []
    assert not {"iframe", "img"} & {tag for tag, _ in page.found}

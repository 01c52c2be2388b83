"""Who sees an announcement: its audience once published, its publishing department's leads
and organization admins from the first draft, nobody else, on every surface.

Every web route and API route of one announcement is registered in WEB or API below
(checked against the URL patterns and the OpenAPI document), so a new route cannot forget
the rule unnoticed: an announcement for HR is 404 for IT on each of them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from staffdesk.announcements import urls as announcement_urls
from staffdesk.announcements.models import Announcement
from staffdesk.announcements.selectors import announcement_list
from staffdesk.announcements.services.announcements import announcement_acknowledge
from staffdesk.announcements.services.questions import question_ask
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.core.errors import Conflict
from staffdesk.directory.services import department_set_lead
from staffdesk.notifications.models import Notification
from tests.announcements.helpers import (
    NOTHING,
    SEES,
    announce,
    department,
    rows,
    signed_in,
    told,
    what_they_see,
)
from tests.factories import PersonFactory

TITLE = "Sabbatical scheme opens"


@pytest.fixture
def hr_lead(org):
    lead = PersonFactory(username="holly", first_name="Holly", last_name="Lead", department=org.hr)
    department_set_lead(department=org.hr, lead=lead)
    return lead


@pytest.fixture
def hr_news(org, hr_lead):
    """A required announcement from HR to HR, with a public question, everyone told."""
    news = announce(
        by=hr_lead,
        unit=org.hr,
        audience=[department(org.hr)],
        title=TITLE,
        body="Apply for a **sabbatical** by March.",
        ack_required=True,
    )
    question = question_ask(user=org.hr_agent, announcement=news, text="Paid?", is_public=True)
    announcements_tick()
    return news, question


FORM = {"department": "", "title": "Taken over", "body": "Hijacked.", "everyone": "on"}

# (method, URL name, form) of every page and action of one announcement.
WEB = [
    ("GET", "announcements:detail", None),
    ("GET", "announcements:edit", None),
    ("POST", "announcements:edit", FORM),
    ("POST", "announcements:publish", {}),
    ("POST", "announcements:schedule", {"publish_at": "2031-01-06T09:00"}),
    ("POST", "announcements:unschedule", {}),
    ("POST", "announcements:archive", {}),
    ("POST", "announcements:remind", {}),
    ("POST", "announcements:acknowledge", {"version": "1"}),
    ("GET", "announcements:report", None),
    ("GET", "announcements:report_csv", None),
    ("POST", "announcements:ask", {"text": "And IT?", "visibility": "public"}),
    ("POST", "announcements:answer", {"answer": "No."}),
    ("POST", "announcements:hide", {"reason": "Off topic."}),
]

# (method, path, body) of every API route of one announcement.
API = [
    ("GET", "/announcements/{id}", None),
    ("PUT", "/announcements/{id}", {"title": "T", "body": "B", "audience": {"everyone": True}}),
    ("POST", "/announcements/{id}/publish", None),
    ("POST", "/announcements/{id}/archive", None),
    ("POST", "/announcements/{id}/remind", None),
    ("POST", "/announcements/{id}/acknowledge", {"version": 1}),
    ("GET", "/announcements/{id}/report", None),
    ("GET", "/announcements/{id}/questions", None),
    ("POST", "/announcements/{id}/questions", {"text": "And IT?"}),
    ("POST", "/announcements/{id}/questions/{question}/answer", {"answer": "No."}),
    ("POST", "/announcements/{id}/questions/{question}/hide", {"reason": "Off topic."}),
]


def test_every_route_of_an_announcement_is_in_the_matrix(client, db):
    web = {
        str(pattern.name)
        for pattern in announcement_urls.urlpatterns
        if "announcement_id" in str(pattern.pattern)
    }
    assert web == {name.removeprefix("announcements:") for _, name, _ in WEB}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    api = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in paths.items()
        if "{announcement_id}" in path
        for method in operations
    }
    registered = {
        (method, path.replace("{id}", "{announcement_id}").replace("{question}", "{question_id}"))
        for method, path, _ in API
    }
    assert api == registered


def _web_url(name: str, news: Announcement, question) -> str:
    on_question = name in ("announcements:answer", "announcements:hide")
    return reverse(name, args=[news.pk, question.pk] if on_question else [news.pk])


def _listed(client, title: str = TITLE, **params) -> bool:
    return title in client.get(reverse("announcements:list"), params).content.decode()


@pytest.mark.parametrize("outsider", ["it_agent", "it_lead"])
def test_an_announcement_for_hr_is_404_for_it_on_every_page(client, org, hr_news, outsider):
    news, question = hr_news
    reader = getattr(org, outsider)
    signed_in(client, reader)
    before = rows()

    statuses = {
        (method, name): (
            client.get(_web_url(name, news, question))
            if method == "GET"
            else client.post(_web_url(name, news, question), form)
        ).status_code
        for method, name, form in WEB
    }

    assert statuses == {(method, name): 404 for method, name, _ in WEB}
    assert rows() == before
    assert Announcement.objects.get(pk=news.pk).status == "published"
    seen = {
        "list": _listed(client),
        "search": _listed(client, q="sabbatical"),
        "archived": _listed(client, state="archived"),
        "drafts": _listed(client, state="drafts"),
        "home": TITLE in client.get(reverse("home")).content.decode(),
        "banner": TITLE in client.get(reverse("requests:mine")).content.decode(),
        "notified": Notification.objects.filter(recipient=reader).exists(),
    }
    assert seen == dict.fromkeys(seen, False)


@pytest.mark.parametrize("outsider", ["it_agent", "it_lead"])
def test_an_announcement_for_hr_is_404_for_it_on_every_api_route(org, api, hr_news, outsider):
    news, question = hr_news
    client = api(getattr(org, outsider))
    before = rows()

    statuses = {
        (method, path): client.request(
            method, path.format(id=news.pk, question=question.pk), json=body
        ).status_code
        for method, path, body in API
    }

    assert statuses == {(method, path): 404 for method, path, _ in API}
    assert rows() == before
    listed = {
        state: [a["id"] for a in client.get("/announcements", params={"state": state}).json()]
        for state in ("current", "archived", "drafts")
    }
    searched = [a["id"] for a in client.get("/announcements", params={"q": "sabbatical"}).json()]
    assert (listed, searched) == ({"current": [], "archived": [], "drafts": []}, [])


def test_its_audience_reads_it_but_neither_edits_it_nor_sees_the_report(client, org, hr_news):
    news, question = hr_news
    signed_in(client, org.hr_agent)
    assert what_they_see(client, news) == SEES
    assert _listed(client, q="sabbatical")

    def status(name, form=None):
        url = _web_url(name, news, question)
        return (client.get(url) if form is None else client.post(url, form)).status_code

    # Seen but not theirs to change: 403; the report is not even shown to exist: 404.
    assert {
        "edit": status("announcements:edit"),
        "save": status("announcements:edit", FORM),
        "archive": status("announcements:archive", {}),
        "remind": status("announcements:remind", {}),
        "answer": status("announcements:answer", {"answer": "Yes."}),
        "report": status("announcements:report"),
        "report.csv": status("announcements:report_csv"),
    } == {
        "edit": 403,
        "save": 403,
        "archive": 403,
        "remind": 403,
        "answer": 403,
        "report": 404,
        "report.csv": 404,
    }
    assert Announcement.objects.get(pk=news.pk).status == "published"


@pytest.mark.parametrize("publisher", ["hr_lead", "admin"])
def test_its_publishers_see_the_report_and_the_editor(client, org, hr_lead, hr_news, publisher):
    news, _ = hr_news
    signed_in(client, hr_lead if publisher == "hr_lead" else org.admin)
    assert client.get(reverse("announcements:edit", args=[news.pk])).status_code == 200
    report = client.get(reverse("announcements:report", args=[news.pk]))
    assert report.status_code == 200
    assert "Human Resources" in report.content.decode()
    csv = client.get(reverse("announcements:report_csv", args=[news.pk]))
    assert csv.status_code == 200
    assert "hana" in b"".join(csv.streaming_content).decode()


def test_a_draft_is_seen_only_by_its_department_leads_and_admins(client, org, hr_lead):
    draft = announce(
        by=hr_lead, unit=org.hr, audience=[department(org.hr)], title=TITLE, publish=False
    )
    detail = reverse("announcements:detail", args=[draft.pk])
    seen = {}
    for name, reader in {
        "audience": org.hr_agent,
        "other lead": org.it_lead,
        "employee": org.requester,
        "its lead": hr_lead,
        "admin": org.admin,
    }.items():
        signed_in(client, reader)
        seen[name] = (client.get(detail).status_code, _listed(client, state="drafts"))
    assert seen == {
        "audience": (404, False),
        "other lead": (404, False),
        "employee": (404, False),
        "its lead": (200, True),
        "admin": (200, True),
    }


# --- Over time: scheduled, published by the clock, expired. -----------------------------------


def test_a_scheduled_one_is_invisible_before_its_time_and_visible_after_before_the_worker(
    client, org, fin_lead
):
    start = timezone.now()
    at = start + timedelta(hours=2)
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        title="Audit week",
        ack_required=True,
        publish_at=at,
        now=start,
    )
    signed_in(client, org.requester)
    assert what_they_see(client, news) == NOTHING
    assert announcements_tick(now=start) == 0
    assert told(news) == []

    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert what_they_see(client, news) == SEES
    assert Announcement.objects.get(pk=news.pk).status == "scheduled"  # no worker yet

    assert announcements_tick(now=at + timedelta(minutes=1)) == 4
    assert Announcement.objects.get(pk=news.pk).status == "published"
    assert announcements_tick(now=at + timedelta(minutes=2)) == 0
    assert told(news, "announcement_required") == ["ada", "colin", "fiona", "rita"]


def test_expiry_takes_it_out_of_the_news_and_the_worker_archives_it(client, org, fin_lead):
    start = timezone.now()
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        title="Parking closed",
        ack_required=True,
        expires_at=start + timedelta(days=1),
        now=start,
    )
    signed_in(client, org.requester)
    assert what_they_see(client, news) == SEES
    later = start + timedelta(days=2)

    with time_machine.travel(later, tick=False):
        gone = what_they_see(client, news)
        assert gone == {"detail": 200, "list": False, "news": False, "banner": False}
    with pytest.raises(Conflict):
        announcement_acknowledge(user=org.colleague, announcement=news, now=later)

    announcements_tick(now=later)
    archived = Announcement.objects.get(pk=news.pk)
    assert (archived.status, archived.archived_at) == ("archived", later)
    with time_machine.travel(later, tick=False):
        assert _listed(client, "Parking closed", state="archived")
        assert not _listed(client, "Parking closed")


def test_a_scheduled_one_whose_expiry_passed_before_the_worker_ran_is_archived(org, fin_lead):
    start = timezone.now()
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        title="Fire drill at 10",
        publish_at=start + timedelta(hours=1),
        expires_at=start + timedelta(hours=2),
        now=start,
    )
    later = start + timedelta(hours=3)  # the worker was down all that time

    announcements_tick(now=later)

    assert Announcement.objects.get(pk=news.pk).status == "archived"
    archived = announcement_list(user=fin_lead, state="archived", now=later)
    assert [a.pk for a in archived] == [news.pk]
    assert told(news) == []  # nobody is told of what is over


def test_archived_by_hand_it_leaves_the_news_and_the_banner_but_still_opens(
    client, org, fin_lead, published
):
    signed_in(client, fin_lead)
    archived = client.post(reverse("announcements:archive", args=[published.pk]))
    assert archived.status_code == 302

    signed_in(client, org.requester)
    assert what_they_see(client, published) == {
        "detail": 200,
        "list": False,
        "news": False,
        "banner": False,
    }
    assert _listed(client, published.title, state="archived")
    refused = client.post(reverse("announcements:acknowledge", args=[published.pk]))
    assert refused.status_code == 409
    assert "no longer current" in refused.content.decode()

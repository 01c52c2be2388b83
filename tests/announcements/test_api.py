"""The announcements and service notices API over real HTTP, signed in with a token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffdesk.announcements.drafts import NoticeDraft
from staffdesk.announcements.models import Acknowledgement, Announcement, Receipt
from staffdesk.announcements.services.announcements import (
    announcement_acknowledge,
    announcement_view,
)
from staffdesk.announcements.services.notices import notice_post, notice_resolve
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.notifications.models import Notification
from tests.announcements.helpers import announce, department, rows
from tests.factories import ServiceFactory

FINANCE_ONLY = {"departments": ["FIN"]}


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["message"]
    return body


def test_without_a_token_every_route_is_401(org, api, published):
    client = api(None)
    for method, path in [
        ("GET", "/announcements"),
        ("GET", f"/announcements/{published.pk}"),
        ("POST", "/announcements"),
        ("POST", f"/announcements/{published.pk}/acknowledge"),
        ("GET", f"/announcements/{published.pk}/questions"),
        ("GET", "/notices"),
        ("GET", "/services/it-laptop/notices"),
    ]:
        _json_error(client.request(method, path), 401)


def test_my_list_puts_what_i_must_acknowledge_first_then_what_i_have_not_read(org, api, fin_lead):
    start = timezone.now() - timedelta(days=5)

    def news(title, *, days, ack_required):
        return announce(
            by=fin_lead,
            unit=org.fin,
            audience=[department(org.fin)],
            title=title,
            ack_required=ack_required,
            now=start + timedelta(days=days),
        )

    done = news("Acknowledged", days=0, ack_required=True)
    read = news("Read", days=1, ack_required=False)
    older_pending = news("Older to acknowledge", days=2, ack_required=True)
    pending = news("To acknowledge", days=3, ack_required=True)
    unread = news("Unread", days=4, ack_required=False)
    announcement_acknowledge(user=org.requester, announcement=done)
    announcement_view(user=org.requester, announcement=read)
    announce(by=fin_lead, unit=org.fin, audience=[department(org.water)], title="Not for Rita")

    mine = api(org.requester).get("/announcements").json()

    assert [(a["title"], a["pending"], a["unread"]) for a in mine] == [
        ("To acknowledge", True, True),
        ("Older to acknowledge", True, True),
        ("Unread", False, True),
        ("Read", False, False),
        ("Acknowledged", False, False),
    ]
    assert [a["id"] for a in mine] == [p.pk for p in (pending, older_pending, unread, read, done)]
    searched = api(org.requester).get("/announcements", params={"q": "unread"}).json()
    assert [a["title"] for a in searched] == ["Unread"]
    assert _json_error(api(org.requester).get("/announcements", params={"state": "all"}), 422)[
        "errors"
    ] == {"state": ["one of current, archived, drafts"]}


def test_opening_one_records_that_i_viewed_it_once(org, api, published):
    client = api(org.requester)

    first = client.get(f"/announcements/{published.pk}").json()
    viewed_at = Receipt.objects.get(announcement=published, person=org.requester).viewed_at
    client.get(f"/announcements/{published.pk}")

    assert (first["department"], first["title"]) == ("FIN", "New expense policy")
    assert (first["viewed"], first["pending"], first["acknowledged_version"]) == (True, True, None)
    assert first["audience"] == [
        {
            "kind": "department",
            "department": "FIN",
            "include_subdepartments": False,
            "role": "",
            "person": None,
        }
    ]
    assert "<strong>January</strong>" in first["body_html"]
    assert Receipt.objects.get(announcement=published, person=org.requester).viewed_at == viewed_at
    assert [a["unread"] for a in client.get("/announcements").json()] == [False]


def test_acknowledging_over_the_api(org, api, fin_lead, published):
    client = api(org.requester)

    first = client.post(f"/announcements/{published.pk}/acknowledge", json={"version": 1})
    again = client.post(f"/announcements/{published.pk}/acknowledge")

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["version"] == 1
    assert Acknowledgement.objects.filter(person=org.requester).count() == 1
    detail = client.get(f"/announcements/{published.pk}").json()
    assert (detail["pending"], detail["acknowledged_version"]) == (False, 1)

    optional = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)])
    for_water = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.water)], ack_required=True
    )
    before = rows()
    stale = client.post(f"/announcements/{published.pk}/acknowledge", json={"version": 2})
    none_asked = client.post(f"/announcements/{optional.pk}/acknowledge", json={})
    not_mine = api(fin_lead).post(f"/announcements/{for_water.pk}/acknowledge")
    invisible = client.post(f"/announcements/{for_water.pk}/acknowledge")

    assert _json_error(stale, 409)["errors"] == {"version": ["the current version is 1"]}
    assert "does not ask to be acknowledged" in _json_error(none_asked, 409)["message"]
    assert "not addressed to you" in _json_error(not_mine, 403)["message"]
    _json_error(invisible, 404)
    assert rows() == before


def test_questions_over_the_api(org, api, fin_lead, published):
    rita, colin, fiona = api(org.requester), api(org.colleague), api(fin_lead)
    url = f"/announcements/{published.pk}/questions"

    public = rita.post(url, json={"text": "Do paper receipts count?"})
    private = colin.post(url, json={"text": "I lost mine.", "public": False})
    assert (public.status_code, private.status_code) == (201, 201)
    public_id, private_id = public.json()["id"], private.json()["id"]

    assert [q["text"] for q in rita.get(url).json()] == ["Do paper receipts count?"]
    assert [(q["asker"], q["public"]) for q in fiona.get(url).json()] == [
        ("rita", True),
        ("colin", False),
    ]

    answered = fiona.post(f"{url}/{public_id}/answer", json={"answer": "Until March."})
    assert answered.json()["answer"] == "Until March."
    _json_error(rita.post(f"{url}/{public_id}/answer", json={"answer": "Sure."}), 403)
    _json_error(rita.post(f"{url}/{private_id}/answer", json={"answer": "Sure."}), 404)
    _json_error(rita.post(url, json={"text": ""}), 422)

    hidden = fiona.post(f"{url}/{public_id}/hide", json={"reason": "In the policy."})
    assert (hidden.json()["hidden"], hidden.json()["hidden_reason"]) == (True, "In the policy.")
    assert [q["text"] for q in colin.get(url).json()] == ["I lost mine."]
    assert [(q["text"], q["hidden"]) for q in rita.get(url).json()] == [
        ("Do paper receipts count?", True)
    ]


def test_the_report_is_for_publishers_only(org, api, fin_lead, published):
    announcement_acknowledge(user=org.requester, announcement=published)
    report = api(fin_lead).get(f"/announcements/{published.pk}/report")
    assert report.status_code == 200
    body = report.json()
    assert body["departments"] == [
        {"department": "Finance", "audience": 4, "viewed": 1, "acknowledged": 1}
    ]
    assert sorted(body["pending"]) == ["ada", "colin", "fiona"]
    assert body["by_version"] == {"1": 1}
    _json_error(api(org.requester).get(f"/announcements/{published.pk}/report"), 404)

    # Reminding: refused while the first notifications go out, then for publishers only.
    _json_error(api(fin_lead).post(f"/announcements/{published.pk}/remind"), 409)
    announcements_tick()
    _json_error(api(org.requester).post(f"/announcements/{published.pk}/remind"), 403)
    assert api(fin_lead).post(f"/announcements/{published.pk}/remind").status_code == 202
    before = set(Notification.objects.values_list("pk", flat=True))
    announcements_tick()
    reminded = Notification.objects.exclude(pk__in=before)
    assert sorted(reminded.values_list("recipient__username", flat=True)) == [
        "ada",
        "colin",
        "fiona",
    ]


def test_publishing_and_scheduling_over_the_api(org, api, fin_lead):
    fiona, rita = api(fin_lead), api(org.requester)
    payload = {
        "department": "FIN",
        "title": "Budget round",
        "body": "Numbers are due on the **5th**.",
        "audience": FINANCE_ONLY,
        "ack_required": True,
    }

    now = fiona.post("/announcements", json={**payload, "publish": True})
    later_at = timezone.now() + timedelta(days=1)
    later = fiona.post(
        "/announcements", json={**payload, "title": "Audit", "publish_at": later_at.isoformat()}
    )
    draft = fiona.post("/announcements", json={**payload, "title": "Still a draft"})

    assert [r.status_code for r in (now, later, draft)] == [201, 201, 201]
    assert [r.json()["status"] for r in (now, later, draft)] == ["published", "scheduled", "draft"]
    assert [a["title"] for a in rita.get("/announcements").json()] == ["Budget round"]
    assert rita.get(f"/announcements/{later.json()['id']}").status_code == 404
    drafts = fiona.get("/announcements", params={"state": "drafts"}).json()
    assert sorted(a["title"] for a in drafts) == ["Audit", "Still a draft"]
    assert rita.get("/announcements", params={"state": "drafts"}).json() == []

    before = rows()
    _json_error(rita.post("/announcements", json=payload), 403)
    _json_error(fiona.post("/announcements", json={**payload, "department": "HR"}), 403)
    _json_error(fiona.post("/announcements", json={**payload, "department": "NOPE"}), 404)
    _json_error(fiona.post("/announcements", json={**payload, "colour": "red"}), 422)
    assert rows() == before


def test_changing_over_the_api_makes_a_new_version(org, api, fin_lead, published):
    announcement_acknowledge(user=org.requester, announcement=published)
    change = {
        "title": published.title,
        "body": "Receipts are scanned **weekly**.",
        "audience": {"departments": ["FIN"], "roles": ["leads"], "people": ["una"]},
        "ack_required": True,
        "needs_reack": True,
    }

    _json_error(api(org.requester).put(f"/announcements/{published.pk}", json=change), 403)
    edited = api(fin_lead).put(f"/announcements/{published.pk}", json=change)

    assert edited.status_code == 200
    assert (edited.json()["version"], edited.json()["ack_version"]) == (2, 2)
    assert "<strong>weekly</strong>" in edited.json()["body_html"]
    detail = api(org.requester).get(f"/announcements/{published.pk}").json()
    assert (detail["pending"], detail["acknowledged_version"]) == (True, 1)
    assert Announcement.objects.get(pk=published.pk).versions.count() == 2
    assert sorted(
        (r["kind"], r["department"], r["role"], r["person"]) for r in detail["audience"]
    ) == [
        ("department", "FIN", "", None),
        ("person", None, "", "una"),
        ("role", None, "leads", None),
    ]
    assert api(org.unrelated).get(f"/announcements/{published.pk}").json()["pending"] is True


@pytest.fixture
def outage(org):
    return notice_post(
        author=org.it_agent,
        department=org.it,
        draft=NoticeDraft(
            kind="outage",
            title="Laptop orders are stuck",
            message="The supplier's portal is down.",
            services=[org.laptop],
        ),
    )


def test_service_notices_and_im_affected_over_the_api(org, api, outage):
    ServiceFactory(department=org.it, code="it-printer", name="Printer")
    rita = api(org.requester)

    current = rita.get("/notices").json()
    assert [(n["title"], n["services"], n["department"]) for n in current] == [
        ("Laptop orders are stuck", ["it-laptop"], "IT")
    ]
    assert [n["id"] for n in rita.get("/services/it-laptop/notices").json()] == [outage.pk]
    assert rita.get("/services/it-printer/notices").json() == []
    _json_error(rita.get("/services/no-such-service/notices"), 404)

    first = rita.post(f"/notices/{outage.pk}/affected")
    again = rita.post(f"/notices/{outage.pk}/affected")
    assert (first.json()["new"], again.json()["new"]) == (True, False)
    api(org.colleague).post(f"/notices/{outage.pk}/affected")
    assert rita.get(f"/notices/{outage.pk}").json()["affected"] == 2
    assert rita.delete(f"/notices/{outage.pk}/affected").json()["affected"] is False
    assert rita.get(f"/notices/{outage.pk}").json()["affected"] == 1

    notice_resolve(actor=org.it_agent, notice=outage, closing_message="Back.")
    assert rita.get("/notices").json() == []
    _json_error(rita.post(f"/notices/{outage.pk}/affected"), 409)
    _json_error(rita.get("/notices/999999"), 404)


def test_every_error_is_a_json_4xx(org, api, published):
    client = api(org.requester)
    for method, path, options, status in [
        ("GET", "/announcements/999999", {}, 404),
        ("GET", "/announcements/0", {}, 422),
        ("GET", "/announcements", {"params": {"limit": 0}}, 422),
        ("POST", f"/announcements/{published.pk}/acknowledge", {"json": {"version": "one"}}, 422),
        ("POST", f"/announcements/{published.pk}/acknowledge", {"json": {"extra": 1}}, 422),
        ("POST", f"/announcements/{published.pk}/questions", {"content": b"{not json"}, 400),
        ("DELETE", f"/announcements/{published.pk}", {}, 405),
    ]:
        _json_error(client.request(method, path, **options), status)

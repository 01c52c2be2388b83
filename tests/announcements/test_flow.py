"""An announcement from draft to acknowledgement, through the web pages and the worker."""

from __future__ import annotations

from django.urls import reverse

from staffdesk.announcements.models import Acknowledgement, Broadcast, Receipt
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.notifications.models import Notification


def _client(client, person):
    client.force_login(person)
    return client


def test_the_audience_is_told_sees_the_banner_and_acknowledges_once(client, org, published):
    assert Broadcast.objects.get(announcement=published).due_at is not None
    told = announcements_tick()
    assert told >= 2  # Rita and Colin work in Finance (Ada the admin too)
    mails = Notification.objects.filter(kind="announcement_required")
    assert {n.recipient.username for n in mails} >= {"rita", "colin"}
    assert "una" not in {n.recipient.username for n in mails}
    assert announcements_tick() == 0  # nothing twice

    _client(client, org.requester)
    home = client.get(reverse("home"))
    assert b"Please read and acknowledge" in home.content
    assert b"New expense policy" in home.content
    queue = client.get(reverse("requests:mine"))
    assert b"Please read and acknowledge" in queue.content

    page = client.get(reverse("announcements:detail", args=[published.pk]))
    assert page.status_code == 200
    assert b"<strong>January</strong>" in page.content
    assert Receipt.objects.filter(announcement=published, person=org.requester).exists()
    done = client.post(reverse("announcements:acknowledge", args=[published.pk]), {"version": "1"})
    assert done.status_code == 302
    client.post(reverse("announcements:acknowledge", args=[published.pk]), {"version": "1"})
    assert Acknowledgement.objects.filter(announcement=published, person=org.requester).count() == 1
    assert b"Please read and acknowledge" not in client.get(reverse("requests:mine")).content


def test_someone_outside_the_audience_gets_404_everywhere(client, org, published):
    _client(client, org.unrelated)
    assert client.get(reverse("announcements:detail", args=[published.pk])).status_code == 404
    assert client.post(reverse("announcements:acknowledge", args=[published.pk])).status_code == 404
    assert b"New expense policy" not in client.get(reverse("announcements:list")).content
    assert b"New expense policy" not in client.get(reverse("home")).content


def test_the_report_counts_under_finance(client, org, fin_lead, published):
    _client(client, org.requester)
    client.post(reverse("announcements:acknowledge", args=[published.pk]))
    client.logout()
    _client(client, fin_lead)
    report = client.get(reverse("announcements:report", args=[published.pk]))
    assert report.status_code == 200
    assert b"Finance" in report.content
    csv = client.get(reverse("announcements:report_csv", args=[published.pk]))
    body = b"".join(csv.streaming_content).decode()
    assert "rita" in body and ",1," in body
    client.logout()
    _client(client, org.requester)
    assert client.get(reverse("announcements:report", args=[published.pk])).status_code == 404


def test_a_lead_writes_and_publishes_through_the_editor(client, org, fin_lead):
    _client(client, fin_lead)
    page = client.get(reverse("announcements:new"))
    assert page.status_code == 200
    made = client.post(
        reverse("announcements:new"),
        {
            "department": org.fin.pk,
            "title": "Payroll portal moves",
            "body": "<script>alert(1)</script> [x](javascript:alert(1))",
            "departments": [org.fin.pk],
        },
    )
    assert made.status_code == 302, made.content[:2000]
    detail = client.get(made["Location"])
    assert b"<script>" not in detail.content
    assert b'href="javascript' not in detail.content
    empty = client.post(reverse("announcements:new"), {"department": org.fin.pk, "title": ""})
    assert empty.status_code == 422
    assert b"give the announcement a title" in empty.content


def test_an_employee_cannot_write(client, org):
    _client(client, org.requester)
    assert client.get(reverse("announcements:new")).status_code == 403


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, org, fin_lead, published):
    org.requester.first_name = '=HYPERLINK("http://evil.example")'
    org.requester.save()
    _client(client, fin_lead)
    csv = client.get(reverse("announcements:report_csv", args=[published.pk]))
    assert csv["Content-Disposition"].startswith("attachment;")
    body = b"".join(csv.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body

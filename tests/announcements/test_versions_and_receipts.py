"""Versions of an announcement, what its readers did (viewed, acknowledged which version),
the read-receipt report, reminders to those pending and how everyone is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from staffdesk.announcements.drafts import Draft
from staffdesk.announcements.models import Acknowledgement, Announcement, Broadcast, Receipt
from staffdesk.announcements.selectors import receipt_lines, receipt_report
from staffdesk.announcements.services.announcements import (
    announcement_acknowledge,
    announcement_publish,
    announcement_remind,
    announcement_update,
    announcement_view,
)
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.core.errors import Conflict
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import notification_preferences_set
from tests.announcements.helpers import announce, department, rows, signed_in, told

FINANCE = ["ada", "colin", "fiona", "rita"]


def _edit(announcement, editor, *, body: str, needs_reack: bool, now=None) -> Announcement:
    return announcement_update(
        editor=editor,
        announcement=announcement,
        draft=Draft(
            title=announcement.title,
            body=body,
            audience=[department(announcement.department)],
            ack_required=announcement.ack_required,
        ),
        needs_reack=needs_reack,
        now=now,
    )


def _banner(client, announcement) -> bool:
    page = client.get(reverse("requests:mine")).content.decode()
    return "Please read and acknowledge" in page and announcement.title in page


@pytest.fixture
def acknowledged(org, published):
    """The required Finance announcement, everyone told, Rita acknowledged version 1."""
    announcements_tick()
    announcement_acknowledge(user=org.requester, announcement=published, version=1)
    return published


def test_an_edit_asking_to_acknowledge_again_brings_everyone_back(
    client, org, fin_lead, acknowledged
):
    signed_in(client, org.requester)
    assert not _banner(client, acknowledged)

    edited = _edit(
        acknowledged, fin_lead, body="Receipts are scanned **weekly**.", needs_reack=True
    )

    assert (edited.version, edited.ack_version) == (2, 2)
    assert list(edited.versions.values_list("number", "needs_ack")) == [(1, True), (2, True)]
    assert _banner(client, edited)
    report = receipt_report(user=fin_lead, announcement=edited)
    assert sorted(p.username for p in report.pending) == FINANCE
    assert report.total.acknowledged == 0
    assert Broadcast.objects.filter(announcement=edited, reason="new_version").count() == 1
    announcements_tick()
    again = Notification.objects.filter(subject__startswith="Updated, please acknowledge again")
    assert sorted(again.values_list("recipient__username", flat=True)) == FINANCE

    # Acknowledging version 2 clears the banner; the report shows who read which version.
    signed_in(client, org.requester)
    client.post(reverse("announcements:acknowledge", args=[edited.pk]), {"version": "2"})
    assert not _banner(client, edited)
    announcement_acknowledge(user=org.colleague, announcement=edited, version=2)
    report = receipt_report(user=fin_lead, announcement=edited)
    assert report.by_version == {1: 1, 2: 2}
    assert report.total.acknowledged == 2
    assert sorted(p.username for p in report.pending) == ["ada", "fiona"]
    lines = {
        line.username: line.acknowledged_version
        for line in receipt_lines(user=fin_lead, announcement=edited)
    }
    assert lines == {"ada": None, "colin": 2, "fiona": None, "rita": 2}


def test_an_edit_without_asking_again_keeps_the_acknowledgements(
    client, org, fin_lead, acknowledged
):
    edited = _edit(acknowledged, fin_lead, body="A typo fixed.", needs_reack=False)

    assert (edited.version, edited.ack_version) == (2, 1)
    signed_in(client, org.requester)
    assert not _banner(client, edited)
    page = client.get(reverse("announcements:detail", args=[edited.pk])).content.decode()
    assert "You acknowledged version 1" in page
    report = receipt_report(user=fin_lead, announcement=edited)
    assert report.total.acknowledged == 1
    assert "rita" not in {p.username for p in report.pending}
    assert not Broadcast.objects.filter(announcement=edited, reason="new_version").exists()
    assert announcements_tick() == 0


def test_an_edit_that_changes_no_text_makes_no_version(org, fin_lead, acknowledged):
    same = announcement_update(
        editor=fin_lead,
        announcement=acknowledged,
        draft=Draft(
            title=acknowledged.title,
            body=acknowledged.body,
            audience=[department(org.fin)],
            ack_required=True,
            ack_due_on=timezone.localdate() + timedelta(days=7),
        ),
        needs_reack=True,
    )
    assert (same.version, same.ack_version, same.versions.count()) == (1, 1, 1)


def test_a_draft_edited_before_publication_stays_version_1(org, fin_lead):
    draft = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)], publish=False)
    edited = _edit(draft, fin_lead, body="Second thoughts.", needs_reack=True)
    assert (edited.version, list(edited.versions.values_list("body", flat=True))) == (
        1,
        ["Second thoughts."],
    )


def test_a_scheduled_one_edited_before_its_time_stays_version_1(org, fin_lead):
    later = timezone.now() + timedelta(days=1)
    scheduled = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.fin)], publish_at=later
    )
    edited = _edit(scheduled, fin_lead, body="Moved to Monday.", needs_reack=False)
    assert (edited.version, list(edited.versions.values_list("body", flat=True))) == (
        1,
        ["Moved to Monday."],
    )
    after = _edit(edited, fin_lead, body="Moved to Tuesday.", needs_reack=False, now=later)
    assert after.version == 2


def test_acknowledging_twice_records_once_at_the_first_time(org, published):
    first = timezone.now()
    announcement_acknowledge(user=org.requester, announcement=published, now=first)
    again = announcement_acknowledge(
        user=org.requester, announcement=published, now=first + timedelta(hours=1)
    )
    assert again.acknowledged_at == first
    assert Acknowledgement.objects.filter(person=org.requester).count() == 1


def test_acknowledging_a_version_that_changed_since_is_a_409_and_writes_nothing(
    client, org, fin_lead, published
):
    _edit(published, fin_lead, body="Changed while Rita read.", needs_reack=True)
    signed_in(client, org.requester)
    before = rows()

    response = client.post(
        reverse("announcements:acknowledge", args=[published.pk]), {"version": "1"}
    )

    assert response.status_code == 409
    assert "has changed since you opened it" in response.content.decode()
    assert rows() == before


def test_viewed_is_recorded_once_apart_from_acknowledged(client, org, fin_lead, published):
    signed_in(client, org.requester)
    client.get(reverse("announcements:detail", args=[published.pk]))
    first = Receipt.objects.get(person=org.requester).viewed_at
    client.get(reverse("announcements:detail", args=[published.pk]))

    assert Receipt.objects.get(person=org.requester).viewed_at == first
    assert not Acknowledgement.objects.exists()
    report = receipt_report(user=fin_lead, announcement=published)
    assert (report.total.audience, report.total.viewed, report.total.acknowledged) == (4, 1, 0)
    assert not announcement_view(user=org.requester, announcement=published)


def test_the_report_counts_per_department_of_the_audience(org, fin_lead):
    news = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin), department(org.water)],
        ack_required=True,
    )
    announcement_view(user=org.unrelated, announcement=news)
    announcement_acknowledge(user=org.colleague, announcement=news)

    report = receipt_report(user=fin_lead, announcement=news)

    assert [(r.department, r.audience, r.viewed, r.acknowledged) for r in report.rows] == [
        ("Finance", 4, 1, 1),
        ("Water Department", 1, 1, 0),
    ]
    assert report.rows[0].acknowledged_share == 0.25


# --- Reminders ----------------------------------------------------------------------------


def test_a_reminder_reaches_only_those_pending_and_at_most_once_a_day(org, fin_lead):
    start = timezone.now()
    news = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.fin)], ack_required=True, now=start
    )
    announcements_tick(now=start)
    announcement_acknowledge(user=org.requester, announcement=news, now=start)

    def remind(at) -> list[str]:
        announcement_remind(actor=fin_lead, announcement=news, now=at)
        before = set(Notification.objects.values_list("pk", flat=True))
        announcements_tick(now=at)
        return sorted(
            Notification.objects.exclude(pk__in=before)
            .filter(subject__startswith="Reminder")
            .values_list("recipient__username", flat=True)
        )

    assert remind(start + timedelta(hours=1)) == ["ada", "colin", "fiona"]
    mails = Notification.objects.filter(subject__startswith="Reminder")
    assert set(mails.values_list("email_status", flat=True)) == {"pending"}
    announcement_acknowledge(user=org.colleague, announcement=news, now=start + timedelta(hours=2))
    assert remind(start + timedelta(hours=3)) == []  # within 24 hours of the last one
    assert remind(start + timedelta(hours=26)) == ["ada", "fiona"]


def test_reminding_while_the_first_notifications_still_go_out_is_a_409(
    client, org, fin_lead, published
):
    with pytest.raises(Conflict):
        announcement_remind(actor=fin_lead, announcement=published)
    signed_in(client, fin_lead)
    before = rows()
    response = client.post(reverse("announcements:remind", args=[published.pk]))
    assert response.status_code == 409
    assert "still going out" in response.content.decode()
    assert rows() == before


# --- Delivery -----------------------------------------------------------------------------


def test_news_respects_an_email_preference_and_a_required_one_always_mails(org, fin_lead):
    notification_preferences_set(person=org.requester, email_by_kind={"announcement": False})
    optional = announce(by=fin_lead, unit=org.fin, audience=[department(org.fin)])
    required = announce(
        by=fin_lead,
        unit=org.fin,
        audience=[department(org.fin)],
        title="Sign the code of conduct",
        ack_required=True,
    )

    announcements_tick()

    def mail(announcement):
        return dict(
            Notification.objects.filter(thread_key=f"announcement-{announcement.pk}").values_list(
                "recipient__username", "email_status"
            )
        )

    assert mail(optional) == {
        "rita": "skipped",
        "colin": "pending",
        "ada": "pending",
        "fiona": "pending",
    }
    assert mail(required) == dict.fromkeys(FINANCE, "pending")
    assert told(optional, "announcement") == FINANCE  # in-app, always
    assert told(required, "announcement_required") == FINANCE


def test_the_audience_is_told_once_even_when_the_worker_runs_again(org, fin_lead, published):
    announcements_tick()
    announcements_tick()
    assert told(published) == FINANCE
    broadcast = Broadcast.objects.get(announcement=published)
    assert (broadcast.notified, broadcast.due_at is None) == (4, True)


def test_the_editor_makes_a_version_to_acknowledge_again(client, org, fin_lead, acknowledged):
    signed_in(client, fin_lead)
    saved = client.post(
        reverse("announcements:edit", args=[acknowledged.pk]),
        {
            "department": org.fin.pk,
            "title": acknowledged.title,
            "body": "Receipts are scanned **daily**.",
            "departments": [org.fin.pk],
            "ack_required": "on",
            "needs_reack": "on",
        },
    )
    assert saved.status_code == 302
    edited = Announcement.objects.get(pk=acknowledged.pk)
    assert (edited.version, edited.ack_version) == (2, 2)
    signed_in(client, org.requester)
    assert _banner(client, edited)
    page = client.get(reverse("announcements:detail", args=[edited.pk])).content.decode()
    assert "<strong>daily</strong>" in page and 'name="version" value="2"' in page


def test_once_the_worker_has_published_a_scheduled_one_publishing_again_is_a_409(org, fin_lead):
    later = timezone.now() + timedelta(hours=1)
    scheduled = announce(
        by=fin_lead, unit=org.fin, audience=[department(org.fin)], publish_at=later
    )
    announcements_tick(now=later + timedelta(seconds=1))
    told_before = len(told(scheduled))
    with pytest.raises(Conflict):
        announcement_publish(
            actor=fin_lead, announcement=scheduled, now=later + timedelta(minutes=1)
        )
    announcements_tick(now=later + timedelta(minutes=2))
    assert len(told(scheduled)) == told_before  # nobody told twice

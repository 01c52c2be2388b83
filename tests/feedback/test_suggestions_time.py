"""Time in the suggestion box: the response target counts business days of the department's
calendar (weekends and its holidays not counted) and a suggestion unanswered past it is
overdue; "did it help?" is asked once, four weeks after "done"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from staffdesk.feedback.models import HelpAnswer, ResponseTarget, Suggestion
from staffdesk.feedback.selectors.suggestions import department_queue, department_suggestion_counts
from staffdesk.feedback.services.suggestions import (
    HELP_KIND,
    suggestion_help_due,
    suggestion_merge,
    suggestion_respond,
)
from staffdesk.notifications.models import Notification
from staffdesk.sla.models import Closure
from tests.factories import BusinessCalendarFactory
from tests.feedback.suggestion_helpers import done, people, signed_in, suggest, told, vote_all

NEW_YORK = ZoneInfo("America/New_York")
# Thursday 2 July 2026; Friday the 3rd is the Independence Day holiday.
THURSDAY = datetime(2026, 7, 2, 10, 0, tzinfo=NEW_YORK)


def _it_answers_in_three_business_days(org) -> None:
    calendar = BusinessCalendarFactory(name="City hall hours")  # Mon-Fri 8-18, New York
    Closure.objects.create(calendar=calendar, date=date(2026, 7, 3), name="Independence Day")
    ResponseTarget.objects.create(department=org.it, business_days=3, calendar=calendar)


def test_the_target_skips_the_weekend_and_the_holiday(org):
    _it_answers_in_three_business_days(org)
    suggestion = suggest(org.requester, to=org.it, now=THURSDAY).suggestion
    # Friday is a holiday, then the weekend: Monday, Tuesday, Wednesday, closing at 18:00.
    due = datetime(2026, 7, 8, 18, 0, tzinfo=NEW_YORK)
    assert suggestion.respond_by == due
    # Three calendar days on (Sunday) it is not late; nor a minute before the target.
    assert not suggestion.is_overdue(THURSDAY + timedelta(days=3))
    assert not suggestion.is_overdue(due - timedelta(minutes=1))
    assert suggestion.is_overdue(due)


def test_the_queue_flags_it_and_the_counts_count_it_once_overdue(org, client):
    _it_answers_in_three_business_days(org)
    late = suggest(org.requester, to=org.it, title="Unanswered", now=THURSDAY).suggestion
    answered = suggest(org.colleague, to=org.it, title="Answered", now=THURSDAY).suggestion
    suggestion_respond(
        suggestion=answered, actor=org.it_agent, body="Looking.", now=THURSDAY + timedelta(days=1)
    )
    before = datetime(2026, 7, 8, 17, 59, tzinfo=NEW_YORK)
    after = datetime(2026, 7, 8, 18, 0, tzinfo=NEW_YORK)
    queue = department_queue(user=org.it_agent, department=org.it, status="all", now=before)
    assert queue.overdue == 0 and not any(row.overdue_now for row in queue.rows)
    queue = department_queue(user=org.it_agent, department=org.it, status="all", now=after)
    assert queue.overdue == 1
    first = queue.rows[0]
    assert (first.title, first.overdue_now) == ("Unanswered", 1)
    counts = department_suggestion_counts(
        department_id=org.it.pk, since=THURSDAY, until=after, now=after
    )
    assert (counts.received, counts.answered_on_time, counts.overdue) == (2, 1, 1)
    client.force_login(org.it_lead)
    with time_machine.travel(after, tick=False):
        page = client.get(reverse("feedback:suggestion", args=[late.pk])).content.decode()
    assert "Overdue: the target was 8 Jul 2026" in page


def test_without_its_own_target_a_department_answers_in_the_settings_days(org, agreement, settings):
    settings.STAFFDESK_SUGGESTION_RESPONSE_DAYS = 2
    # IT's agreement's calendar: Monday to Friday, 8 to 18.
    suggestion = suggest(org.requester, to=org.it, now=THURSDAY).suggestion
    assert suggestion.respond_by == datetime(2026, 7, 6, 18, 0, tzinfo=NEW_YORK)


def test_did_it_help_is_asked_once_four_weeks_after_done(org):
    suggestion = suggest(org.requester, to=org.it, now=THURSDAY).suggestion
    duplicate = suggest(org.unrelated, to=org.it, title="Rooms on the web", now=THURSDAY).suggestion
    voters = people(2, org.fin)
    vote_all(suggestion, [*voters, org.colleague])
    vote_all(duplicate, [org.colleague, org.hr_agent])
    suggestion_merge(suggestion=duplicate, into=suggestion, actor=org.it_agent)
    finished = THURSDAY + timedelta(days=20)
    done(suggestion, org.it_agent, now=finished)

    assert suggestion_help_due(now=finished + timedelta(weeks=4) - timedelta(minutes=1)) == 0
    assert told(suggestion, HELP_KIND) == []
    # Its author and every voter, of the merged duplicate too, each once.
    asked = suggestion_help_due(now=finished + timedelta(weeks=4))
    assert asked == 5
    assert told(suggestion, HELP_KIND) == sorted(["rita", "colin", "hana", "voter1", "voter2"])
    assert suggestion_help_due(now=finished + timedelta(weeks=6)) == 0
    assert Notification.objects.filter(kind=HELP_KIND).count() == 5
    assert Suggestion.objects.get(pk=suggestion.pk).help_asked_at == finished + timedelta(weeks=4)


def test_not_asked_of_an_anonymous_author_without_a_link(org):
    finished = THURSDAY + timedelta(days=5)
    with_link = suggest(org.requester, to=org.it, anonymous=True, now=THURSDAY)
    without = suggest(org.colleague, to=org.it, title="Rooms", anonymous=True, now=THURSDAY)
    # A link can be lost for good (an administrator cleared it): nobody can then be asked.
    Suggestion.objects.filter(pk=without.suggestion.pk).update(follow_secret_hash="")
    for submitted in (with_link, without):
        done(Suggestion.objects.get(pk=submitted.suggestion.pk), org.it_agent, now=finished)
    # No voters: the anonymous author with a link is the one asked (on the private page).
    assert suggestion_help_due(now=finished + timedelta(weeks=4)) == 1
    assert Notification.objects.filter(kind=HELP_KIND).count() == 0
    page = signed_in(org.requester).get(
        reverse("feedback:suggestion-private", args=[with_link.follow_secret])
    )
    assert "It was done four weeks ago: did it help you?" in page.content.decode()


def test_the_answers_are_given_on_the_page_by_those_asked(org):
    suggestion = suggest(org.requester, to=org.it, now=THURSDAY).suggestion
    vote_all(suggestion, [org.colleague])
    finished = THURSDAY + timedelta(days=3)
    done(suggestion, org.it_agent, now=finished)
    suggestion_help_due(now=finished + timedelta(weeks=4))
    url = reverse("feedback:suggestion-help", args=[suggestion.pk])
    colin = signed_in(org.colleague)
    page = colin.get(reverse("feedback:suggestion", args=[suggestion.pk])).content.decode()
    assert "did it help you?" in page
    assert colin.post(url, {"answer": "partly"}).status_code == 302
    assert colin.post(url, {"answer": "yes"}).status_code == 302  # changed, not added
    assert list(HelpAnswer.objects.values_list("person__username", "answer")) == [("colin", "yes")]
    # Una neither wrote it nor voted for it: she is not asked.
    assert signed_in(org.unrelated).post(url, {"answer": "no"}).status_code == 403
    assert HelpAnswer.objects.count() == 1

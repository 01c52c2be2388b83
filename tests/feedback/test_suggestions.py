"""The suggestion box as its users meet it: suggesting (to a department or the organization),
similar suggestions while typing, votes and followers, the owning team's responses and their
notifications, the department's queue and its export, and the "You said, we did" board."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from staffdesk.feedback.models import Follower, Response, Suggestion
from staffdesk.feedback.selectors.suggestions import board, department_suggestion_counts
from staffdesk.feedback.services.suggestions import (
    NEW_KIND,
    UPDATE_KIND,
    suggestion_follow,
    suggestion_help_answer,
    suggestion_help_due,
    suggestion_merge,
    suggestion_respond,
    suggestion_unfollow,
    suggestion_unvote,
    suggestion_vote,
)
from staffdesk.notifications.models import Notification
from tests.factories import ServiceFactory
from tests.feedback.suggestion_helpers import (
    done,
    mayor_office,
    people,
    suggest,
    told,
    vote_all,
)

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=NEW_YORK)


def test_a_named_suggestion_is_followed_by_its_author_and_told_to_the_lead(org, client):
    submitted = suggest(org.requester, to=org.it, now=MONDAY)
    suggestion = submitted.suggestion
    assert submitted.follow_secret == ""
    assert suggestion.author == org.requester and not suggestion.is_anonymous
    assert Follower.objects.filter(
        suggestion=suggestion, person=org.requester, active=True
    ).exists()
    # Ten business days of the organization's week (Monday to Friday, 9 to 17): the end of
    # the Monday two weeks on.
    assert suggestion.respond_by == datetime(2026, 3, 16, 17, 0, tzinfo=NEW_YORK)
    assert told(suggestion, NEW_KIND) == ["lee"]
    new = Notification.objects.get(kind=NEW_KIND)
    assert "Rita Requester suggests" in new.body and "Monday 16 March 2026" in new.body

    client.force_login(org.requester)
    page = client.get(reverse("feedback:suggestion", args=[suggestion.pk])).content.decode()
    assert "by Rita Requester" in page and "<strong>meeting room</strong>" in page
    assert "Unfollow" in page  # she follows it


def test_a_suggestion_to_the_organization_goes_to_the_office_in_the_settings(org):
    mayor = mayor_office()
    suggestion = suggest(org.unrelated, to=None).suggestion
    assert suggestion.department == mayor and suggestion.to_organization
    assert told(suggestion, NEW_KIND) == ["mona"]
    assert "to the organization as a whole" in Notification.objects.get(kind=NEW_KIND).body


def test_posting_the_form_sends_it_and_names_the_service(org, client):
    client.force_login(org.requester)
    form = client.get(reverse("feedback:suggestion-new")).content.decode()
    assert "The organization as a whole" in form and "New laptop" in form
    answer = client.post(
        reverse("feedback:suggestion-new"),
        {
            "department": org.it.pk,
            "title": "Laptops with a docking station",
            "body": "Every laptop should come with its dock.",
            "service": org.laptop.pk,
        },
    )
    suggestion = Suggestion.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/suggestions/{suggestion.pk}/"
    assert suggestion.service == org.laptop and suggestion.author == org.requester
    page = client.get(answer["Location"]).content.decode()
    assert "your suggestion is sent" in page and "about New laptop" in page


def test_similar_suggestions_are_shown_while_typing(org, client):
    printer = suggest(org.colleague, to=org.it, title="Fix the printer on floor 3").suggestion
    suggest(org.colleague, to=org.it, title="Free coffee", body="In every kitchen.")
    merged = suggest(org.unrelated, to=org.it, title="The printer jams daily").suggestion
    suggestion_merge(suggestion=merged, into=printer, actor=org.it_agent)
    client.force_login(org.requester)
    # Stemmed: "printers" finds "printer"; the merged duplicate is left out (one votes on
    # what it was merged into).
    fragment = client.get(
        reverse("feedback:suggestion-similar"), {"title": "Printers", "body": "they jam"}
    ).content.decode()
    assert "Fix the printer on floor 3" in fragment
    assert "jams daily" not in fragment and "coffee" not in fragment
    assert "vote for one instead" in fragment
    nothing = client.get(reverse("feedback:suggestion-similar"), {"title": "parking"})
    assert "No similar suggestion yet" in nothing.content.decode()
    # The form asks for them as the title and the description are typed.
    form = client.get(reverse("feedback:suggestion-new")).content.decode()
    assert form.count('hx-get="/suggestions/similar/"') == 2


def test_at_most_five_similar_suggestions_the_best_first(org, api):
    for n in range(7):
        suggest(org.colleague, to=org.it, title=f"Idea {n}", body="Recycle the toner cartridges.")
    best = suggest(org.colleague, to=org.it, title="Toner recycling", body="Cartridges.").suggestion
    found = api(org.requester).get("/suggestions/similar", params={"q": "toner"}).json()
    assert len(found) == 5
    assert found[0]["id"] == best.pk  # the word in the title weighs more


def test_voting_follows_and_an_unfollow_is_kept(org):
    suggestion = suggest(org.requester, to=org.it).suggestion
    voted = suggestion_vote(suggestion=suggestion, person=org.colleague)
    assert voted.vote_count == 1
    assert Follower.objects.get(suggestion=suggestion, person=org.colleague).active
    suggestion_unfollow(suggestion=suggestion, person=org.colleague)
    assert suggestion_unvote(suggestion=suggestion, person=org.colleague).vote_count == 0
    # Voting again does not make him follow it again: he said he did not want to hear.
    assert suggestion_vote(suggestion=suggestion, person=org.colleague).vote_count == 1
    assert not Follower.objects.get(suggestion=suggestion, person=org.colleague).active
    suggestion_follow(suggestion=suggestion, person=org.colleague)
    assert Follower.objects.get(suggestion=suggestion, person=org.colleague).active


def test_vote_and_follow_buttons_on_the_page(org, client):
    suggestion = suggest(org.requester, to=org.it).suggestion
    client.force_login(org.colleague)
    url = reverse("feedback:suggestion", args=[suggestion.pk])
    assert "Vote for it" in client.get(url).content.decode()
    answer = client.post(reverse("feedback:suggestion-vote", args=[suggestion.pk]))
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert "1 vote" in page and "Withdraw my vote" in page and "Unfollow" in page
    client.post(reverse("feedback:suggestion-unfollow", args=[suggestion.pk]))
    client.post(reverse("feedback:suggestion-unvote", args=[suggestion.pk]))
    page = client.get(url).content.decode()
    assert "0 votes" in page and "Vote for it" in page and ">Follow<" in page


def test_every_status_change_and_response_tells_each_follower_once(org):
    suggestion = suggest(org.requester, to=org.it).suggestion
    duplicate = suggest(org.unrelated, to=org.it, title="Online room booking").suggestion
    vote_all(suggestion, [org.colleague, org.hr_agent])
    vote_all(duplicate, [org.colleague])  # follows both: told once
    suggestion_follow(suggestion=suggestion, person=org.it_backup)
    suggestion_unfollow(suggestion=suggestion, person=org.hr_agent)
    suggestion_merge(suggestion=duplicate, into=suggestion, actor=org.it_agent)
    Notification.objects.all().delete()

    suggestion_respond(
        suggestion=suggestion, actor=org.it_agent, body="We are looking at it.", status="planned"
    )
    # The author, a voter, someone who follows it, and Una through her merged duplicate;
    # not Hana (she unfollowed), not Alex (he wrote it).
    everyone = ["bea", "colin", "rita", "una"]
    assert told(suggestion, UPDATE_KIND) == everyone
    update = Notification.objects.filter(kind=UPDATE_KIND).first()
    assert update.subject == f"“{suggestion.title}” is now planned"
    assert "We are looking at it." in update.body

    suggestion_respond(suggestion=suggestion, actor=org.it_agent, body="Ordered the software.")
    assert told(suggestion, UPDATE_KIND) == sorted(everyone * 2)
    # A draft tells nobody until it is published.
    suggestion_respond(
        suggestion=suggestion, actor=org.it_agent, status="in_progress", body="", publish=False
    )
    assert told(suggestion, UPDATE_KIND) == sorted(everyone * 2)


def test_a_batch_of_drafts_is_published_at_once_telling_each_suggestion_once(org, api):
    first = suggest(org.requester, to=org.it).suggestion
    second = suggest(org.colleague, to=org.it, title="Dark mode for the intranet").suggestion
    drafts = [
        suggestion_respond(
            suggestion=first,
            actor=org.it_agent,
            body="Reviewing.",
            status="under_review",
            publish=False,
        ),
        suggestion_respond(
            suggestion=first,
            actor=org.it_lead,
            body="It is planned for May.",
            status="planned",
            publish=False,
        ),
        suggestion_respond(
            suggestion=second,
            actor=org.it_agent,
            body="Not with this intranet.",
            status="declined",
            publish=False,
        ),
    ]
    Notification.objects.all().delete()
    # Before it is published, only IT's team sees a draft.
    rita = api(org.requester)
    assert rita.get(f"/suggestions/{first.pk}").json()["responses"] == []
    lee = api(org.it_lead)
    assert len(lee.get(f"/suggestions/{first.pk}").json()["responses"]) == 2

    answer = lee.post(
        "/suggestions/responses/publish",
        json={"department": "IT", "response_ids": [d.pk for d in drafts]},
    )
    assert answer.status_code == 200, answer.text
    assert {r["id"] for r in answer.json()} == {d.pk for d in drafts}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "planned" and first.responded_at is not None
    assert second.status == "declined" and second.decline_reason == "Not with this intranet."
    assert told(first, UPDATE_KIND) == ["rita"]
    assert told(second, UPDATE_KIND) == ["colin"]
    both = Notification.objects.get(thread_key=f"suggestion-{first.pk}")
    assert "Reviewing." in both.body and "It is planned for May." in both.body
    assert [r["status"] for r in rita.get(f"/suggestions/{first.pk}").json()["responses"]] == [
        "under_review",
        "planned",
    ]


def test_statuses_move_forward_to_done_with_what_changed(org):
    suggestion = suggest(org.requester, to=org.it).suggestion
    for status in ("under_review", "planned", "in_progress"):
        suggestion_respond(suggestion=suggestion, actor=org.it_agent, body="On it.", status=status)
    response = done(suggestion, org.it_agent, now=MONDAY + timedelta(days=30))
    suggestion.refresh_from_db()
    assert suggestion.status == "done" and suggestion.done_at == response.published_at
    assert suggestion.help_due_at == suggestion.done_at + timedelta(weeks=4)
    assert suggestion.help_asked_at is None


def test_the_queue_shows_overdue_first_and_publishes_the_chosen_drafts(org, client):
    at = datetime(2026, 5, 4, 9, 30, tzinfo=NEW_YORK)
    late = suggest(org.requester, to=org.it, title="Old and unanswered", now=at).suggestion
    fresh = suggest(
        org.requester, to=org.it, title="New and popular", now=at + timedelta(days=13)
    ).suggestion
    vote_all(fresh, people(3, org.fin))
    suggest(org.requester, to=org.hr, title="Not IT's", now=at)
    draft = suggestion_respond(
        suggestion=fresh, actor=org.it_agent, body="Yes!", status="planned", publish=False
    )
    client.force_login(org.it_agent)
    with time_machine.travel(at + timedelta(days=15), tick=False):
        page = client.get(reverse("feedback:suggestion-queue"), {"sort": "votes"}).content.decode()
    assert "Not IT's" not in page
    assert page.index("Old and unanswered") < page.index("New and popular")  # overdue first
    assert "1 overdue" in page and "Draft response" in page and "Publish selected drafts" in page

    answer = client.post(
        reverse("feedback:suggestion-queue-publish"),
        {"department": org.it.pk, "response_ids": [draft.pk]},
    )
    assert answer.status_code == 302
    assert Response.objects.get(pk=draft.pk).published_at is not None
    assert Suggestion.objects.get(pk=fresh.pk).status == "planned"
    assert late.pk != fresh.pk


def test_the_queue_lists_the_drafts_due_soonest_and_says_how_many_wait(org, client):
    from staffdesk.feedback.selectors.suggestions.queue_page import DRAFTS_SHOWN

    at = datetime(2026, 5, 4, 9, 30, tzinfo=NEW_YORK)
    drafts = []
    for day in range(DRAFTS_SHOWN + 2):
        suggestion = suggest(
            org.requester, to=org.it, title=f"Idea {day:02d}", now=at + timedelta(days=day)
        ).suggestion
        drafts.append(
            suggestion_respond(
                suggestion=suggestion, actor=org.it_agent, body=f"Draft {day:02d}", publish=False
            )
        )
    client.force_login(org.it_agent)
    page = client.get(reverse("feedback:suggestion-queue"), {"status": "all"}).content.decode()
    shown = page.count('name="response_ids"')
    assert shown == DRAFTS_SHOWN
    assert f'value="{drafts[0].pk}"' in page and f'value="{drafts[-1].pk}"' not in page
    assert f"The {DRAFTS_SHOWN} due soonest of {DRAFTS_SHOWN + 2} drafts" in page


def test_the_queue_is_for_the_department_s_team(org, client):
    client.force_login(org.requester)
    assert client.get(reverse("feedback:suggestion-queue")).status_code == 403
    client.force_login(org.it_agent)
    assert client.get(reverse("feedback:suggestion-queue"), {"department": "HR"}).status_code == 403
    # Not a team of his: its drafts are not his to publish.
    hr = suggest(org.requester, to=org.hr).suggestion
    draft = suggestion_respond(suggestion=hr, actor=org.hr_agent, body="Hm.", publish=False)
    answer = client.post(
        reverse("feedback:suggestion-queue-publish"),
        {"department": org.hr.pk, "response_ids": [draft.pk]},
    )
    assert answer.status_code == 403
    assert Response.objects.get(pk=draft.pk).published_at is None


def test_the_queue_export_is_safe_in_a_spreadsheet(org, client):
    suggest(org.requester, to=org.it, title='=HYPERLINK("http://evil.example","Click")')
    suggest(org.colleague, to=org.it, title="@SUM(1+1)", anonymous=True)
    client.force_login(org.it_lead)
    answer = client.get(reverse("feedback:suggestion-queue-csv"))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert {line["title"] for line in lines} == {
        '\'=HYPERLINK("http://evil.example","Click")',
        "'@SUM(1+1)",
    }
    assert {line["author"] for line in lines} == {"rita", "anonymous"}


def test_the_board_shows_what_was_done_and_how_each_department_answers(org, client):
    now = datetime(2026, 9, 1, 12, tzinfo=UTC)
    old = suggest(
        org.requester, to=org.it, title="Done long ago", now=now - timedelta(days=500)
    ).suggestion
    done(old, org.it_agent, now=now - timedelta(days=400))
    shown = suggest(
        org.requester, to=org.it, title="Room booking", now=now - timedelta(days=60)
    ).suggestion
    vote_all(shown, [org.colleague, org.unrelated])
    done(shown, org.it_agent, now=now - timedelta(days=52))  # answered on time
    late = suggest(
        org.colleague, to=org.it, title="Dark mode", now=now - timedelta(days=90)
    ).suggestion
    suggestion_respond(
        suggestion=late,
        actor=org.it_agent,
        body="No.",
        status="declined",
        now=now - timedelta(days=50),
    )
    suggest(org.colleague, to=org.hr, title="Flexible hours", now=now - timedelta(days=10))
    suggestion_help_due(now=now)
    suggestion_help_answer(suggestion=shown, person=org.colleague, answer="yes")
    suggestion_help_answer(suggestion=shown, person=org.unrelated, answer="partly")

    found = board(user=org.unrelated, now=now)
    assert [item.suggestion.title for item in found.items] == ["Room booking"]
    item = found.items[0]
    assert item.response.what_changed.startswith("The intranet has a booking calendar")
    assert item.help == {"yes": 1, "partly": 1, "no": 0}
    stats = {row.department.code: row.counts for row in found.stats}
    assert (stats["IT"].received, stats["IT"].answered_on_time) == (2, 1)
    assert (stats["IT"].done, stats["IT"].declined) == (1, 1)
    assert stats["HR"].received == 1 and stats["HR"].done == 0
    assert board(user=org.unrelated, department_id=org.hr.pk, now=now).items == []
    other = ServiceFactory(department=org.it, name="Printing")
    assert board(user=org.unrelated, service_id=other.pk, now=now).items == []

    client.force_login(org.unrelated)
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("feedback:board")).content.decode()
    assert "Room booking" in page and "Done long ago" not in page
    assert "Did it help? Yes 1 · partly 1 · no 0" in page
    assert "<td>2</td><td>1</td><td>1</td><td>1</td>" in page.replace("\n", "")


def test_department_counts_for_the_scorecards(org):
    start = datetime(2026, 1, 5, 10, tzinfo=NEW_YORK)
    on_time = suggest(org.requester, to=org.it, now=start).suggestion
    suggestion_respond(
        suggestion=on_time, actor=org.it_agent, body="Yes.", now=start + timedelta(days=1)
    )
    suggest(org.requester, to=org.it, title="Unanswered", now=start)
    suggest(org.requester, to=org.it, title="Outside the period", now=start - timedelta(days=40))
    counts = department_suggestion_counts(
        department_id=org.it.pk,
        since=start - timedelta(days=1),
        until=start + timedelta(days=1),
        now=start + timedelta(days=60),
    )
    assert (counts.received, counts.answered_on_time, counts.done, counts.declined) == (2, 1, 0, 0)
    assert counts.overdue == 2  # the unanswered one of the period, and the older one


@pytest.mark.parametrize("anonymous", [False, True])
def test_comments_on_the_page(org, client, anonymous):
    suggestion = suggest(org.requester, to=org.it, anonymous=anonymous).suggestion
    client.force_login(org.colleague)
    answer = client.post(
        reverse("feedback:suggestion-comment", args=[suggestion.pk]), {"body": "Yes please."}
    )
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "Colin Colleague" in page and "Yes please." in page

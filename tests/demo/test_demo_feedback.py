"""The demo's feedback: every feature of satisfaction surveys and the suggestion box is there
on `make run`, played through the feedback services."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffdesk.directory.models import Person
from staffdesk.feedback.models import (
    HelpAnswer,
    Response,
    Suggestion,
    SuggestionStatus,
    Survey,
    Vote,
)
from staffdesk.feedback.models.surveys import LOW_RATING
from staffdesk.feedback.selectors.suggestions import board, department_queue
from staffdesk.feedback.selectors.surveys import my_open_surveys, rating_list
from staffdesk.feedback.services.surveys import LOW_RATING_KIND, low_rating_thread_key
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import RequestEvent


def _signed_in(person: Person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def test_the_demo_has_surveys_and_suggestions_of_every_kind(db):
    started = timezone.now()
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    finished = timezone.now()
    employee = Person.objects.get(username="employee")
    admin = Person.objects.get(username="admin")

    # Surveys opened as they fell due, rated across the whole scale, some with a comment;
    # those of requests reopened since were withdrawn; nothing due is left for the worker.
    surveys = Survey.objects.select_related("request", "department__lead")
    rated = surveys.filter(rating__isnull=False)
    assert set(rated.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert rated.exclude(comment="").count() >= 10
    assert surveys.filter(status=Survey.Status.OPEN, rating__isnull=True).exists()
    assert surveys.filter(status=Survey.Status.WITHDRAWN).exists()
    assert not surveys.filter(status=Survey.Status.SCHEDULED, due_at__lte=started).exists()
    # Low ratings told the point person and the lead, and the lead followed them up: an
    # internal note on the request, and the survey says by whom.
    low = rated.filter(rating__lte=LOW_RATING)
    followed = low.filter(followed_up_at__isnull=False)
    assert followed.count() >= 3
    for survey in low:
        told = Notification.objects.filter(
            kind=LOW_RATING_KIND, thread_key=low_rating_thread_key(survey)
        )
        assert told.exists(), survey.request.number
    for survey in followed:
        assert survey.followed_up_by == survey.department.lead
        assert survey.followed_up_at > survey.rated_at
        note = RequestEvent.objects.filter(
            request=survey.request,
            kind=RequestEvent.Kind.NOTE,
            is_internal=True,
            body__startswith="Follow-up of",
        )
        assert note.exists(), survey.request.number
    # The IT lead's ratings list has IT's ratings, low ones among them.
    it_lead = Person.objects.get(username="lead")
    it_ratings = rating_list(user=it_lead)
    assert it_ratings.filter(rating__lte=LOW_RATING).exists()
    assert set(it_ratings.values_list("department__code", flat=True)) == {"IT"}
    assert _signed_in(it_lead).get(reverse("feedback:ratings")).status_code == 200

    # The employee sign-in has an open survey waiting for a rating: listed under "Rate your
    # resolved requests", with "Rate it" on My requests, and its page takes a rating.
    (waiting,) = my_open_surveys(user=employee, now=finished).filter(rating__isnull=True)[:1]
    browser = _signed_in(employee)
    survey_url = reverse("feedback:survey", args=[waiting.pk])
    assert waiting.request.number in browser.get(reverse("feedback:surveys")).content.decode()
    done_requests = browser.get(reverse("requests:mine"), {"status": "done"}).content.decode()
    assert survey_url in done_requests
    page = browser.get(survey_url)
    assert page.status_code == 200 and "Very satisfied" in page.content.decode()
    answered = browser.post(survey_url, {"rating": "5", "comment": "Thank you!"})
    assert answered.status_code == 302
    assert Survey.objects.get(pk=waiting.pk).rating == 5

    # Suggestions in every status; anonymous ones store no author; those to the organization
    # as a whole are routed to the setting's department.
    suggestions = Suggestion.objects.select_related("department__lead", "merged_into", "author")
    assert set(suggestions.values_list("status", flat=True)) == set(SuggestionStatus.values)
    anonymous = suggestions.filter(is_anonymous=True)
    assert anonymous.count() >= 2 and not anonymous.filter(author__isnull=False).exists()
    routed = set(
        suggestions.filter(to_organization=True).values_list("department__code", flat=True)
    )
    assert routed == {settings.STAFFDESK_SUGGESTIONS_DEPARTMENT}
    # An open one the employee may still vote for.
    mine = Vote.objects.filter(person=employee).values("suggestion")
    votable = suggestions.filter(status__in=["submitted", "under_review", "planned"])
    assert votable.exclude(pk__in=mine).exclude(restricted=True).exists()

    # One merge: the target counts the union of both suggestions' voters, each person once.
    merged = suggestions.get(status=SuggestionStatus.MERGED)
    target = merged.merged_into
    own = set(Vote.objects.filter(suggestion=target).values_list("person_id", flat=True))
    theirs = set(Vote.objects.filter(suggestion=merged).values_list("person_id", flat=True))
    assert own & theirs and theirs - own
    assert target.vote_count == len(own | theirs) < len(own) + len(theirs)

    # One restricted to its department's team and its author: not even an admin sees it.
    restricted = suggestions.get(restricted=True)
    assert restricted.author is not None and restricted.department.lead is not None
    for person, sees in [
        (restricted.author, True),
        (restricted.department.lead, True),
        (employee, False),
        (admin, False),
    ]:
        assert Suggestion.objects.visible_to(person).filter(pk=restricted.pk).exists() == sees
    assert restricted.title not in browser.get(reverse("feedback:suggestions")).content.decode()

    # One past its response target unanswered, first in its department's queue, flagged.
    overdue = [suggestion for suggestion in suggestions if suggestion.is_overdue(finished)]
    assert overdue
    department = overdue[0].department
    queue = department_queue(user=department.lead, department=department, now=finished)
    assert queue.overdue >= 1 and queue.rows[0].overdue_now == 1  # type: ignore[attr-defined]

    # A draft response: in its team's queue to publish, on nobody else's page.
    draft = Response.objects.select_related("suggestion__department__lead").get(
        published_at__isnull=True
    )
    owner = draft.suggestion.department
    assert draft in department_queue(user=owner.lead, department=owner, now=finished).drafts
    suggestion_url = reverse("feedback:suggestion", args=[draft.suggestion.pk])
    assert draft.body not in browser.get(suggestion_url).content.decode()
    assert draft.body in _signed_in(owner.lead).get(suggestion_url).content.decode()

    # "Did it help?" was asked four weeks after each suggestion old enough was done, and
    # answered yes, partly and no.
    done = suggestions.filter(status=SuggestionStatus.DONE)
    asked = done.filter(help_asked_at__isnull=False)
    assert asked.exists()
    assert not suggestions.filter(help_due_at__lte=finished, help_asked_at__isnull=True).exists()
    assert set(HelpAnswer.objects.values_list("answer", flat=True)) == set(HelpAnswer.Answer.values)
    assert set(HelpAnswer.objects.values_list("suggestion", flat=True)) <= set(
        asked.values_list("pk", flat=True)
    )

    # The board: every done suggestion with the response that made it done and what changed,
    # "did it help?" counted, and the departments' counts.
    shown = board(user=employee, now=finished)
    assert {item.suggestion.pk for item in shown.items} == set(done.values_list("pk", flat=True))
    assert len(shown.items) >= 3
    assert all(item.response is not None and item.response.what_changed for item in shown.items)
    assert sum(sum(item.help.values()) for item in shown.items) == HelpAnswer.objects.count()
    assert len(shown.stats) >= 5
    page = browser.get(reverse("feedback:board")).content.decode()
    assert all(item.suggestion.title in page for item in shown.items)

    # All of it happened before the present, as it would have: nothing is mailed.
    assert not Suggestion.objects.filter(created_at__gte=started).exists()
    assert not Response.objects.filter(created_at__gte=started).exists()
    assert not Survey.objects.filter(rated_at__gte=started).exclude(pk=waiting.pk).exists()
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()

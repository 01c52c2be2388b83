"""Shortcuts the suggestion box's tests share: the office that takes suggestions to the whole
organization, suggestions written through the services, whom the notifications told, the
rows a refused write must leave as they were, and voters counted without the app's help."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.test import Client

from staffdesk.directory.models import Department, Person
from staffdesk.directory.services import department_set_lead
from staffdesk.feedback.models import (
    Comment,
    Follower,
    HelpAnswer,
    Response,
    Suggestion,
    Vote,
)
from staffdesk.feedback.services.suggestions import (
    Submitted,
    suggestion_respond,
    suggestion_submit,
    suggestion_vote,
)
from staffdesk.notifications.models import Notification
from tests.factories import DepartmentFactory, PersonFactory

TITLE = "Let us book meeting rooms online"
BODY = "Booking a **meeting room** takes three phone calls. An online calendar would do."


def mayor_office() -> Department:
    """The service-excellence office in the mayor's department, where suggestions to the
    whole organization go (STAFFDESK_SUGGESTIONS_DEPARTMENT is MAYOR), with Mona its lead."""
    assert settings.STAFFDESK_SUGGESTIONS_DEPARTMENT == "MAYOR"
    office = DepartmentFactory(code="MAYOR", name="Office of the Mayor")
    lead = PersonFactory(username="mona", first_name="Mona", last_name="Mayor", department=office)
    department_set_lead(department=office, lead=lead)
    return office


def suggest(
    author: Person,
    *,
    to: Department | None,
    title: str = TITLE,
    body: str = BODY,
    anonymous: bool = False,
    now: datetime | None = None,
    **extra,
) -> Submitted:
    return suggestion_submit(
        author=author,
        department=to,
        title=title,
        body=body,
        anonymous=anonymous,
        now=now,
        **extra,
    )


def people(count: int, department: Department, prefix: str = "voter") -> list[Person]:
    return [
        PersonFactory(username=f"{prefix}{n}", department=department) for n in range(1, count + 1)
    ]


def vote_all(suggestion: Suggestion, voters: list[Person]) -> None:
    for voter in voters:
        suggestion_vote(suggestion=suggestion, person=voter)


def done(suggestion: Suggestion, by: Person, *, now: datetime | None = None) -> Response:
    """Take it through to done (published), saying what changed."""
    return suggestion_respond(
        suggestion=suggestion,
        actor=by,
        body="Rooms are booked in the intranet calendar now.",
        status="done",
        what_changed="The intranet has a booking calendar for all 40 rooms.",
        now=now,
    )


def union_of_voters(*suggestions: Suggestion) -> set[int]:
    """The people who voted for any of the suggestions, counted here, not by the app."""
    found: set[int] = set()
    for suggestion in suggestions:
        found |= {vote.person_id for vote in Vote.objects.filter(suggestion=suggestion)}
    return found


def count(suggestion: Suggestion) -> int:
    return Suggestion.objects.get(pk=suggestion.pk).vote_count


def told(suggestion: Suggestion, kind: str | None = None) -> list[str]:
    """Usernames of the notifications about `suggestion`, one entry per notification."""
    found = Notification.objects.filter(thread_key=f"suggestion-{suggestion.pk}")
    if kind is not None:
        found = found.filter(kind=kind)
    return sorted(found.values_list("recipient__username", flat=True))


def rows() -> dict[str, int]:
    """How many rows each table a refused write could touch holds."""
    return {
        model.__name__: model.objects.count()
        for model in (Suggestion, Vote, Follower, Comment, Response, HelpAnswer, Notification)
    }


def state(suggestion: Suggestion) -> dict[str, object]:
    """The suggestion's row as stored (to compare before and after a refused write)."""
    return {
        key: value
        for key, value in Suggestion.objects.filter(pk=suggestion.pk).values().get().items()
        if key != "search_document"
    }


def signed_in(someone: Person) -> Client:
    browser = Client()
    browser.force_login(someone)
    return browser

"""Satisfaction surveys: scheduled on resolution, opened by the worker, rated once or changed
until they close, followed up by the team when low.

A resolution writes one survey per person on the requester's side (the requester and the
person it was filed for), due one business hour later (`STAFFDESK_SURVEY_DELAY_MINUTES`, in
the request's calendar); a reopen withdraws those still unanswered. The worker opens the
due ones (`surveys_open_due`): each person is told in-app, and by email only for their first
survey of the day. The mail's five links carry a secret minted as the mail is sent
(`survey_mail_links`) and kept only as a hash; opening a link records nothing, and only a
POST with it rates, once.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.feedback.calendars import business_minutes_later, request_calendar
from staffdesk.feedback.models import Rating, Survey
from staffdesk.feedback.models.surveys import LOW_RATING
from staffdesk.feedback.selectors.surveys import (
    local_day_start,
    survey_closed_reason,
    token_digest,
    used_token_digest,
)
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import Draft, notification_create, notification_create_many
from staffdesk.requests.models import OPEN_STATUSES, Request, RequestEvent, Status
from staffdesk.requests.selectors import can_work_on
from staffdesk.requests.services import request_add_note, request_reply
from staffdesk.requests.services.conversation import BODY_MAX

KIND = "survey"
LOW_RATING_KIND = "survey_low_rating"
FOLLOW_UP_KIND = "survey_follow_up"

COMMENT_MAX = 4000
NOTE_MAX = 10_000
BATCH_SIZE = 200
# Statuses a request may be in when its survey opens: it was not reopened meanwhile.
RATEABLE = (Status.RESOLVED, Status.CLOSED)
_THREAD = re.compile(r"^survey-(\d+)$")


def thread_key(survey: Survey) -> str:
    """The survey notification's thread key: how its mail finds the survey at send time."""
    return f"survey-{survey.pk}"


def low_rating_thread_key(survey: Survey) -> str:
    return f"survey-low-{survey.pk}"


# --- Scheduling and withdrawing (requests.lifecycle) --------------------------------------


def survey_on_status_change(
    *, request: Request, from_status: str, to_status: str, event: RequestEvent, now: datetime
) -> None:
    """(requests.lifecycle) Schedule surveys on a resolution; withdraw unanswered ones on a reopen."""
    if to_status == Status.RESOLVED:
        _schedule(request, now)
    elif from_status == Status.RESOLVED and to_status in OPEN_STATUSES:
        Survey.objects.filter(
            request_id=request.pk,
            rating__isnull=True,
            status__in=[Survey.Status.SCHEDULED, Survey.Status.OPEN],
        ).update(status=Survey.Status.WITHDRAWN)


def _schedule(request: Request, moment: datetime) -> None:
    people: dict[int, Person] = {}
    for person in (request.requester, request.on_behalf_of):
        if person is not None and person.is_active:
            people.setdefault(person.pk, person)
    if not people:
        return
    due = business_minutes_later(
        moment, settings.STAFFDESK_SURVEY_DELAY_MINUTES, request_calendar(request, now=moment)
    )
    Survey.objects.bulk_create(
        [
            Survey(
                request=request,
                person=person,
                department_id=request.department_id,
                service_id=request.service_id,
                agent_id=request.assignee_id,
                confidential=request.confidential,
                resolved_at=moment,
                due_at=due,
                created_at=moment,
            )
            for person in people.values()
        ],
        # Resolved again at the very instant of a reopen: that resolution has its surveys.
        ignore_conflicts=True,
    )


# --- Opening (the worker) ------------------------------------------------------------------


def surveys_open_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Open the surveys whose delay has passed; returns how many were opened.

    With nothing due this is one query on the partial index `feedback_survey_due`. Due rows
    are claimed a batch at a time, each batch in a transaction of its own (durable): on
    PostgreSQL with `SKIP LOCKED`, so workers running at once take different rows, on SQLite
    behind the write lock taken at BEGIN; either way the claim re-reads the status, so a row
    another worker opened meanwhile is not opened again.
    """
    moment = clock.resolve(now)
    opened = 0
    tried: set[int] = set()
    while True:
        due = list(
            Survey.objects.filter(status=Survey.Status.SCHEDULED, due_at__lte=moment)
            .exclude(pk__in=tried)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not due:
            return opened
        tried.update(due)
        with transaction.atomic(durable=True):
            opened += _open(due, moment)
        if len(due) < batch_size:
            return opened


def _open(ids: list[int], moment: datetime) -> int:
    """Open the surveys of `ids` still scheduled (and not taken by another worker)."""
    claim = Survey.objects.filter(pk__in=ids, status=Survey.Status.SCHEDULED)
    if connection.features.has_select_for_update_skip_locked:
        claim = claim.select_for_update(skip_locked=True, of=("self",))
    claimed = list(claim.select_related("request", "person", "department").order_by("due_at", "pk"))
    if not claimed:
        return 0
    # Reopened since (the reopen withdrew them, unless written by hand) or left: nobody to ask.
    gone = [s.pk for s in claimed if s.request.status not in RATEABLE or not s.person.is_active]
    if gone:
        Survey.objects.filter(pk__in=gone).update(status=Survey.Status.WITHDRAWN)
    opening = [s for s in claimed if s.pk not in gone]
    if not opening:
        return 0
    mailed_today = set(
        Survey.objects.filter(
            person_id__in={s.person_id for s in opening},
            mailed=True,
            opened_at__gte=local_day_start(moment),
        ).values_list("person_id", flat=True)
    )
    closes = moment + timedelta(days=settings.STAFFDESK_SURVEY_OPEN_DAYS)
    drafts = []
    for survey in opening:
        mail = survey.person_id not in mailed_today
        mailed_today.add(survey.person_id)
        drafts.append(_invitation(survey, closes, email=mail))
    notifications = notification_create_many(drafts=drafts, now=moment)
    by_mail: dict[bool, list[int]] = {True: [], False: []}
    for survey, notification in zip(opening, notifications, strict=True):
        by_mail[notification.email_status == Notification.EmailStatus.PENDING].append(survey.pk)
    for mailed, group in by_mail.items():
        if group:
            Survey.objects.filter(pk__in=group, status=Survey.Status.SCHEDULED).update(
                status=Survey.Status.OPEN, opened_at=moment, closes_at=closes, mailed=mailed
            )
    return len(opening)


def _invitation(survey: Survey, closes: datetime, *, email: bool) -> Draft:
    request = survey.request
    until = timezone.localtime(closes).strftime("%A %-d %B")
    return Draft(
        recipient=survey.person,
        kind=KIND,
        subject=f"How did we do? {request.number}: {request.subject}",
        body=(
            f"{survey.department.name} resolved {request.number} “{request.subject}”. "
            "How satisfied are you with how it was handled? It takes one click; you can add "
            f"a comment, and change your rating until {until}."
        ),
        url=reverse("feedback:survey", args=[survey.pk]),
        thread_key=thread_key(survey),
        email=email,
    )


# --- The mail's links (notifications.kinds) ------------------------------------------------


def survey_mail_links(notification: Notification) -> str:
    """(notifications.kinds) The survey mail's five one-use links, minted as it is sent.

    A fresh secret each time a mail goes out (a retry replaces the one before); only its
    hash is stored, committed before the mail leaves. Nothing for a survey no longer open."""
    match = _THREAD.match(notification.thread_key)
    if match is None:
        return ""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        minted = Survey.objects.filter(
            pk=int(match.group(1)),
            person_id=notification.recipient_id,
            status=Survey.Status.OPEN,
        ).update(token_hash=token_digest(secret))
    if not minted:
        return ""
    link = settings.STAFFDESK_BASE_URL + reverse("feedback:survey-token", args=[secret])
    return "\n".join(f"{label}: {link}?rating={value}" for value, label in reversed(Rating.choices))


# --- Rating ---------------------------------------------------------------------------------


def _checked(rating: object, comment: str) -> tuple[int, str]:
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in Rating.values:
        raise ValidationFailed(
            "Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).",
            errors={"rating": ["a whole number from 1 to 5"]},
        )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            f"The comment is too long ({len(comment):,} characters; at most {COMMENT_MAX:,}).",
            errors={"comment": [f"at most {COMMENT_MAX:,} characters"]},
        )
    return rating, comment


def _lock(survey: Survey) -> Survey:
    return (
        Survey.objects.select_for_update(of=("self",))
        .select_related(
            "request",
            "person",
            "department__lead",
            "service__point_person",
            "agent",
            "followed_up_by",
        )
        .get(pk=survey.pk)
    )


@transaction.atomic
def survey_rate(
    *, survey: Survey, person: Person, rating: int, comment: str = "", now: datetime | None = None
) -> Survey:
    """Record (or change, until the survey closes) the rating of the person asked."""
    moment = clock.resolve(now)
    rating, comment = _checked(rating, comment)
    if survey.person_id != person.pk:
        raise PermissionDenied("Only the person asked can answer this survey.")
    survey = _lock(survey)
    if survey.is_closed(moment):
        raise Conflict(survey_closed_reason(survey))
    return _record(survey, rating=rating, comment=comment, moment=moment)


@transaction.atomic
def survey_rate_by_token(
    *, secret: str, rating: int, comment: str = "", now: datetime | None = None
) -> Survey:
    """Record a rating from a mail link: the link's secret is the authority, and it works
    once (its hash is replaced by the "used" one)."""
    moment = clock.resolve(now)
    rating, comment = _checked(rating, comment)
    found = Survey.objects.filter(token_hash=token_digest(secret)).first() if secret else None
    if found is None:
        if secret and Survey.objects.filter(token_hash=used_token_digest(secret)).exists():
            raise Conflict("This link was already used; sign in to change your rating.")
        raise NotFound("This survey link is not valid.")
    survey = _lock(found)
    if survey.token_hash != token_digest(secret):  # used by a POST that got there first
        raise Conflict("This link was already used; sign in to change your rating.")
    if survey.is_closed(moment):
        raise Conflict(survey_closed_reason(survey))
    survey.token_hash = used_token_digest(secret)
    return _record(survey, rating=rating, comment=comment, moment=moment)


def _record(survey: Survey, *, rating: int, comment: str, moment: datetime) -> Survey:
    previous = survey.rating
    survey.rating, survey.comment, survey.rated_at = rating, comment, moment
    survey.save(update_fields=["rating", "comment", "rated_at", "token_hash"])
    if rating <= LOW_RATING and (previous is None or previous > LOW_RATING):
        _tell_low_rating(survey, rating=rating, first=previous is None, moment=moment)
    return survey


def _tell_low_rating(survey: Survey, *, rating: int, first: bool, moment: datetime) -> None:
    """The service's point person and the department lead hear of the first low rating of a
    survey (a rating changed back up and down again tells nobody twice); never the rater."""
    people: dict[int, Person] = {}
    for person in (survey.service.point_person, survey.department.lead):
        if person is not None and person.is_active and person.pk != survey.person_id:
            people.setdefault(person.pk, person)
    if not people:
        return
    key = low_rating_thread_key(survey)
    if (
        not first
        and Notification.objects.filter(
            recipient_id__in=list(people), kind=LOW_RATING_KIND, thread_key=key
        ).exists()
    ):
        return
    request = survey.request
    label = Rating(rating).label
    said = f"\n\nTheir comment:\n\n{survey.comment}" if survey.comment else ""
    body = (
        f"{survey.person.display_name} rated {request.number} “{request.subject}” "
        f"{rating} of 5 ({label.lower()}).{said}\n\nFollow up on the request page: "
        "an internal note and, if you want, a reply to them."
    )
    notification_create_many(
        drafts=[
            Draft(
                recipient=person,
                kind=LOW_RATING_KIND,
                subject=f"[{request.number}] Low satisfaction rating: {label}",
                body=body,
                url=reverse("requests:detail", kwargs={"number": request.number}),
                thread_key=key,
            )
            for person in people.values()
        ],
        now=moment,
    )


# --- Following up (the team) --------------------------------------------------------------


@transaction.atomic
def survey_follow_up(
    *, survey: Survey, actor: Person, note: str, reply: str = "", now: datetime | None = None
) -> Survey:
    """The team answers a rating: an internal note on the request and, if `reply` is given,
    a public reply to the requester's side; the survey records who followed up and when.

    A closed request takes no more replies (`requests`): there the reply goes to the person
    who rated, as a message of their own (in-app and by email), and the note quotes it so
    the team sees what was said."""
    moment = clock.resolve(now)
    request = survey.request
    if not can_work_on(actor, request):
        raise PermissionDenied(f"Only the {request.department.name} team can follow up a rating.")
    note, reply = note.strip(), reply.strip()
    if not note:
        raise ValidationFailed(
            "Say what you did about this rating: the note is for the team.",
            errors={"note": ["must not be empty"]},
        )
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            f"The note is too long ({len(note):,} characters; at most {NOTE_MAX:,}).",
            errors={"note": [f"at most {NOTE_MAX:,} characters"]},
        )
    if len(reply) > BODY_MAX:
        raise ValidationFailed(
            f"The reply is too long ({len(reply):,} characters; at most {BODY_MAX:,}).",
            errors={"reply": [f"at most {BODY_MAX:,} characters"]},
        )
    survey = _lock(survey)
    if survey.rating is None:
        raise Conflict("There is no rating to follow up yet.")
    label = Rating(survey.rating).label.lower()
    closed = survey.request.is_finished
    text = f"Follow-up of {survey.person.display_name}'s rating, {survey.rating} of 5 ({label}):\n\n{note}"
    if reply and closed:
        text += f"\n\nSent to {survey.person.display_name} (the request is closed):\n\n{reply}"
    request_add_note(request=survey.request, author=actor, body=text, now=moment)
    if reply and not closed:
        request_reply(request=survey.request, author=actor, body=reply, now=moment)
    elif reply:
        notification_create(
            recipient=survey.person,
            kind=FOLLOW_UP_KIND,
            subject=f"About your rating of {survey.request.number}: {survey.request.subject}",
            body=f"{actor.display_name} ({survey.department.name}) writes about your rating:"
            f"\n\n{reply}",
            url=reverse("feedback:survey", args=[survey.pk]),
            thread_key=thread_key(survey),
            now=moment,
        )
    survey.followed_up_at, survey.followed_up_by = moment, actor
    survey.save(update_fields=["followed_up_at", "followed_up_by"])
    return survey

"""Questions on announcements: asked by its audience, answered or hidden by its publishers."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse

from staffdesk.announcements.models import Announcement, Question
from staffdesk.announcements.selectors import in_audience, may_publish
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.notifications.services import notification_create

TEXT_MAX = 4000
REASON_MAX = 500


def _text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed(
            f"Write your {what} first.", errors={field: ["this field is required"]}
        )
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            f"The {what} is {len(text):,} characters; keep it under {TEXT_MAX:,}.",
            errors={field: [f"at most {TEXT_MAX:,} characters"]},
        )
    return text


@transaction.atomic
def question_ask(
    *,
    user: Person,
    announcement: Announcement,
    text: str,
    is_public: bool,
    now: datetime | None = None,
) -> Question:
    """Ask a question: public (the whole audience sees it, with its answer) or private (only
    the asker and the publishers). The announcement's author is told."""
    moment = clock.resolve(now)
    text = _text(text, "text", "question")
    if announcement.status == Announcement.Status.DRAFT or not (
        announcement.is_current(moment) or announcement.status == Announcement.Status.ARCHIVED
    ):
        raise Conflict("Questions open once the announcement is published.")
    if not (in_audience(user, announcement) or may_publish(user, announcement.department_id)):
        raise PermissionDenied("Only the announcement's audience can ask about it.")
    question = Question.objects.create(
        announcement=announcement, asker=user, text=text, is_public=is_public, created_at=moment
    )
    if announcement.author_id != user.pk:
        notification_create(
            recipient=announcement.author,
            kind="announcement_question",
            subject=f"A question on “{announcement.title}”",
            body=f"{user.display_name} asks{'' if is_public else ' (privately)'}:\n\n{text}",
            url=reverse("announcements:detail", args=[announcement.pk])
            + f"#question-{question.pk}",
            thread_key=f"announcement-{announcement.pk}",
            now=moment,
        )
    return question


def _require_publisher(user: Person, question: Question) -> None:
    if not may_publish(user, question.announcement.department_id):
        raise PermissionDenied("Only the announcement's publishers answer or hide its questions.")


@transaction.atomic
def question_answer(
    *, actor: Person, question: Question, answer: str, now: datetime | None = None
) -> Question:
    """Answer (or change the answer to) a question; the asker is told."""
    moment = clock.resolve(now)
    _require_publisher(actor, question)
    question.answer = _text(answer, "answer", "answer")
    question.answered_by = actor
    question.answered_at = moment
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    announcement = question.announcement
    if question.asker_id != actor.pk:
        notification_create(
            recipient=question.asker,
            kind="announcement_question",
            subject=f"Your question on “{announcement.title}” is answered",
            body=f"You asked:\n{question.text}\n\n{actor.display_name} answers:\n{question.answer}",
            url=reverse("announcements:detail", args=[announcement.pk])
            + f"#question-{question.pk}",
            thread_key=f"announcement-{announcement.pk}",
            now=moment,
        )
    return question


@transaction.atomic
def question_hide(
    *, actor: Person, question: Question, reason: str, now: datetime | None = None
) -> Question:
    """Hide a question from the audience (the asker and the publishers still see it, with
    the reason, which is kept)."""
    moment = clock.resolve(now)
    _require_publisher(actor, question)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "Say why the question is hidden: its asker will see the reason.",
            errors={"reason": ["this field is required"]},
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            f"The reason is {len(reason)} characters; keep it under {REASON_MAX}.",
            errors={"reason": [f"at most {REASON_MAX} characters"]},
        )
    if question.hidden_at is not None:
        raise Conflict("The question is already hidden.")
    question.hidden_at = moment
    question.hidden_by = actor
    question.hidden_reason = reason
    question.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return question

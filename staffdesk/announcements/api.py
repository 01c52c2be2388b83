"""REST endpoints of announcements (mine, detail, acknowledge, questions, the report) and
service notices (current, per service, "I'm affected")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from ninja import Query, Router, Status

from staffdesk.announcements import selectors
from staffdesk.announcements.drafts import Draft
from staffdesk.announcements.models import Announcement, Question, ServiceNotice
from staffdesk.announcements.schemas import (
    AcknowledgeIn,
    AcknowledgementOut,
    AffectedOut,
    AnnouncementDetailOut,
    AnnouncementIn,
    AnnouncementListIn,
    AnnouncementOut,
    AnnouncementUpdateIn,
    AnswerIn,
    AudienceIn,
    HideIn,
    MyAnnouncementOut,
    NoticeOut,
    QuestionIn,
    QuestionOut,
    ReportOut,
)
from staffdesk.announcements.services import announcements as writes
from staffdesk.announcements.services import notices as notice_writes
from staffdesk.announcements.services import questions as question_writes
from staffdesk.catalog.selectors import access_service
from staffdesk.core import clock
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.types import Id, String
from staffdesk.directory.selectors import access_department
from staffdesk.directory.types import AuthenticatedHttpRequest

router = Router(tags=["announcements"])


def _audience(request: AuthenticatedHttpRequest, audience: AudienceIn) -> list:
    return selectors.resolve_audience(
        user=request.user,
        everyone=audience.everyone,
        departments=audience.departments,
        include_subdepartments=audience.include_subdepartments,
        teams=audience.teams,
        roles=[str(role) for role in audience.roles],
        people=audience.people,
    )


@router.get(
    "/announcements",
    response=list[MyAnnouncementOut],
    summary="Announcements for me: current, archived, or (publishers) drafts",
)
def announcement_list(
    request: AuthenticatedHttpRequest, filters: Query[AnnouncementListIn]
) -> list[Announcement]:
    """Current ones: those I must acknowledge first, then unread, then the newest."""
    # The parameters come as a schema: a bare `Query[String] = ""` loses its default and
    # made every parameter required.
    q, state, limit = filters.q, filters.state, filters.limit
    if state not in ("current", "archived", "drafts"):
        raise ValidationFailed(
            f"Unknown state {state!r}.", errors={"state": ["one of current, archived, drafts"]}
        )
    found = selectors.announcement_list(user=request.user, query=q, state=state)
    marked = selectors.with_my_marks(found, request.user)
    if state == "current":
        marked = marked.order_by("-pending", "-unread", "-published_at", "-id")
    return list(marked[:limit])


@router.post(
    "/announcements",
    response={201: AnnouncementOut},
    summary="Write an announcement (a draft, published now, or scheduled)",
)
def announcement_create(
    request: AuthenticatedHttpRequest, payload: AnnouncementIn
) -> Status[Announcement]:
    """Leads of the publishing department and organization admins only (403 otherwise)."""
    department = access_department(user=request.user, code=payload.department)
    draft = Draft(
        title=payload.title,
        body=payload.body,
        audience=_audience(request, payload.audience),
        ack_required=payload.ack_required,
        ack_due_on=payload.ack_due_on,
        expires_at=payload.expires_at,
    )
    # One transaction: a refused publication time leaves no draft behind.
    with transaction.atomic():
        created = writes.announcement_create(
            author=request.user, department=department, draft=draft
        )
        if payload.publish_at is not None:
            created = writes.announcement_schedule(
                actor=request.user, announcement=created, publish_at=payload.publish_at
            )
        elif payload.publish:
            created = writes.announcement_publish(actor=request.user, announcement=created)
    return Status(201, created)


def _access(request: AuthenticatedHttpRequest, announcement_id: int) -> Announcement:
    return selectors.access_announcement(user=request.user, announcement_id=announcement_id)


@router.get(
    "/announcements/{announcement_id}",
    response=AnnouncementDetailOut,
    summary="One announcement (opening it records that I viewed it)",
)
def announcement_detail(request: AuthenticatedHttpRequest, announcement_id: Id) -> dict[str, Any]:
    announcement = _access(request, announcement_id)
    writes.announcement_view(user=request.user, announcement=announcement)
    marks = selectors.my_marks(user=request.user, announcement=announcement)
    return {
        **AnnouncementOut.from_orm(announcement).model_dump(),
        "audience": selectors.audience_rules(user=request.user, announcement=announcement),
        "viewed": True if marks.in_audience else marks.viewed,
        "acknowledged_version": marks.acknowledged_version,
        "pending": marks.pending(announcement) and announcement.is_current(clock.now()),
    }


@router.put(
    "/announcements/{announcement_id}",
    response=AnnouncementOut,
    summary="Change it (a published one gets a new version when its text changes)",
)
def announcement_update(
    request: AuthenticatedHttpRequest, announcement_id: Id, payload: AnnouncementUpdateIn
) -> Announcement:
    announcement = _access(request, announcement_id)
    return writes.announcement_update(
        editor=request.user,
        announcement=announcement,
        draft=Draft(
            title=payload.title,
            body=payload.body,
            audience=_audience(request, payload.audience),
            ack_required=payload.ack_required,
            ack_due_on=payload.ack_due_on,
            expires_at=payload.expires_at,
        ),
        needs_reack=payload.needs_reack,
    )


@router.post(
    "/announcements/{announcement_id}/publish", response=AnnouncementOut, summary="Publish now"
)
def announcement_publish(request: AuthenticatedHttpRequest, announcement_id: Id) -> Announcement:
    return writes.announcement_publish(
        actor=request.user, announcement=_access(request, announcement_id)
    )


@router.post(
    "/announcements/{announcement_id}/archive", response=AnnouncementOut, summary="Archive it"
)
def announcement_archive(request: AuthenticatedHttpRequest, announcement_id: Id) -> Announcement:
    return writes.announcement_archive(
        actor=request.user, announcement=_access(request, announcement_id)
    )


@router.post(
    "/announcements/{announcement_id}/remind",
    response={202: None},
    summary="Remind those pending (at most once per person per 24 hours)",
)
def announcement_remind(request: AuthenticatedHttpRequest, announcement_id: Id) -> Status[None]:
    writes.announcement_remind(actor=request.user, announcement=_access(request, announcement_id))
    return Status(202, None)


@router.post(
    "/announcements/{announcement_id}/acknowledge",
    response=AcknowledgementOut,
    summary="I have read and understood it (once per version)",
)
def announcement_acknowledge(
    request: AuthenticatedHttpRequest, announcement_id: Id, payload: AcknowledgeIn | None = None
) -> Any:
    return writes.announcement_acknowledge(
        user=request.user,
        announcement=_access(request, announcement_id),
        version=payload.version if payload else None,
    )


@router.get(
    "/announcements/{announcement_id}/report",
    response=ReportOut,
    summary="Read receipts per department (publishers only)",
)
def announcement_report(request: AuthenticatedHttpRequest, announcement_id: Id) -> dict[str, Any]:
    report = selectors.receipt_report(
        user=request.user, announcement=_access(request, announcement_id)
    )
    return {
        "total": report.total,
        "departments": report.rows,
        "pending": [person.username for person in report.pending],
        "pending_more": report.pending_more,
        "by_version": report.by_version,
    }


def _question_out(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "asker": question.asker.username,
        "text": question.text,
        "public": question.is_public,
        "created_at": question.created_at,
        "answer": question.answer,
        "answered_at": question.answered_at,
        "hidden": question.hidden_at is not None,
        "hidden_reason": question.hidden_reason,
    }


@router.get(
    "/announcements/{announcement_id}/questions",
    response=list[QuestionOut],
    summary="The questions I may see (public ones, mine; publishers: all)",
)
def question_list(request: AuthenticatedHttpRequest, announcement_id: Id) -> list[dict[str, Any]]:
    announcement = _access(request, announcement_id)
    return [
        _question_out(q)
        for q in selectors.question_list(user=request.user, announcement=announcement)
    ]


@router.post(
    "/announcements/{announcement_id}/questions",
    response={201: QuestionOut},
    summary="Ask a question, public or private",
)
def question_ask(
    request: AuthenticatedHttpRequest, announcement_id: Id, payload: QuestionIn
) -> Status[dict[str, Any]]:
    question = question_writes.question_ask(
        user=request.user,
        announcement=_access(request, announcement_id),
        text=payload.text,
        is_public=payload.public,
    )
    return Status(201, _question_out(question))


def _question(
    request: AuthenticatedHttpRequest, announcement_id: int, question_id: int
) -> Question:
    _access(request, announcement_id)
    question = selectors.access_question(user=request.user, question_id=question_id)
    if question.announcement_id != announcement_id:
        raise NotFound(f"No question {question_id} on announcement {announcement_id}.")
    return question


@router.post(
    "/announcements/{announcement_id}/questions/{question_id}/answer",
    response=QuestionOut,
    summary="Answer a question (publishers)",
)
def question_answer(
    request: AuthenticatedHttpRequest, announcement_id: Id, question_id: Id, payload: AnswerIn
) -> dict[str, Any]:
    question = question_writes.question_answer(
        actor=request.user,
        question=_question(request, announcement_id, question_id),
        answer=payload.answer,
    )
    return _question_out(question)


@router.post(
    "/announcements/{announcement_id}/questions/{question_id}/hide",
    response=QuestionOut,
    summary="Hide a question from the audience, with a reason (publishers)",
)
def question_hide(
    request: AuthenticatedHttpRequest, announcement_id: Id, question_id: Id, payload: HideIn
) -> dict[str, Any]:
    question = question_writes.question_hide(
        actor=request.user,
        question=_question(request, announcement_id, question_id),
        reason=payload.reason,
    )
    return _question_out(question)


def _notice_out(notice: ServiceNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "department": notice.department.code,
        "kind": notice.kind,
        "title": notice.title,
        "message": notice.message,
        "services": [s.code for s in notice.service_list],  # type: ignore[attr-defined]
        "starts_at": notice.starts_at,
        "expected_end_at": notice.expected_end_at,
        "resolved_at": notice.resolved_at,
        "closing_message": notice.closing_message,
        "affected": notice.affected_count,  # type: ignore[attr-defined]
    }


notices = Router(tags=["service notices"])


@notices.get("/notices", response=list[NoticeOut], summary="Current service notices")
def notice_list(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    return [_notice_out(n) for n in selectors.current_notices(user=request.user)]


@notices.get(
    "/services/{code}/notices", response=list[NoticeOut], summary="A service's current notices"
)
def service_notices(request: AuthenticatedHttpRequest, code: String) -> list[dict[str, Any]]:
    service = access_service(user=request.user, code=code)
    found = selectors.notices_for_services(user=request.user, service_ids=[service.pk])
    return [_notice_out(n) for n in found.get(service.pk, [])]


@notices.get("/notices/{notice_id}", response=NoticeOut, summary="One service notice")
def notice_detail(request: AuthenticatedHttpRequest, notice_id: Id) -> dict[str, Any]:
    return _notice_out(selectors.access_notice(user=request.user, notice_id=notice_id))


@notices.post(
    "/notices/{notice_id}/affected",
    response=AffectedOut,
    summary="I'm affected (instead of filing); told when it is resolved",
)
def notice_affected(request: AuthenticatedHttpRequest, notice_id: Id) -> dict[str, Any]:
    notice = selectors.access_notice(user=request.user, notice_id=notice_id)
    _, new = notice_writes.notice_affected(user=request.user, notice=notice)
    return {"notice": notice.pk, "affected": True, "new": new}


@notices.delete(
    "/notices/{notice_id}/affected", response=AffectedOut, summary="It works for me again"
)
def notice_unaffected(request: AuthenticatedHttpRequest, notice_id: Id) -> dict[str, Any]:
    notice = selectors.access_notice(user=request.user, notice_id=notice_id)
    notice_writes.notice_unaffected(user=request.user, notice=notice)
    return {"notice": notice.pk, "affected": False, "new": False}

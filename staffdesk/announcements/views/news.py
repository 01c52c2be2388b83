"""News: the list with search, an announcement's page and every action on it, the
publishers' editor and the read-receipt report with its CSV export.

Every action is a plain POST form answered with a redirect and a message; a refused one
writes nothing and shows its page again with the reason, under the domain error's status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from staffdesk.announcements import forms, selectors
from staffdesk.announcements.models import Announcement
from staffdesk.announcements.services import announcements as writes
from staffdesk.announcements.services import questions as question_writes
from staffdesk.core import clock
from staffdesk.core.errors import DomainError, NotFound
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import department_list, is_org_admin
from staffdesk.directory.types import AuthenticatedHttpRequest

PAGE_SIZE = 25


@allow_methods("GET")
@login_required
def news_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Current announcements for me (unread marked), archived ones, and the publishers'
    drafts; full-text search over title and body."""
    search = forms.SearchForm(request.GET)
    query, state = "", "current"
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
        state = search.cleaned_data["state"] or "current"
    moment = clock.now()
    found = selectors.announcement_list(user=request.user, now=moment, query=query, state=state)
    rows = list(selectors.with_my_marks(found, request.user)[: PAGE_SIZE + 1])
    return render(
        request,
        "announcements/list.html",
        {
            "items": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "query": query,
            "state": state,
            "states": forms.SearchForm.base_fields["state"].choices,  # type: ignore[attr-defined]
            "can_publish": bool(publishable_departments(request)),
            "now": moment,
        },
    )


def publishable_departments(request: AuthenticatedHttpRequest) -> list[Department]:
    departments = department_list(user=request.user)
    if is_org_admin(request.user):
        return list(departments)
    return list(departments.filter(pk__in=selectors.publisher_department_ids(request.user)))


def access(request: AuthenticatedHttpRequest, announcement_id: int) -> Announcement:
    return selectors.access_announcement(user=request.user, announcement_id=announcement_id)


@allow_methods("GET")
@login_required
def announcement_detail(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    announcement = access(request, announcement_id)
    if writes.announcement_view(user=request.user, announcement=announcement):
        selectors.forget_pending(request.user)
    return _detail(request, announcement)


def _detail(
    request: AuthenticatedHttpRequest,
    announcement: Announcement,
    *,
    error: DomainError | None = None,
    failed: str = "",
) -> HttpResponse:
    moment = clock.now()
    marks = selectors.my_marks(user=request.user, announcement=announcement)
    publisher = selectors.may_publish(request.user, announcement.department_id)
    context = {
        "item": announcement,
        "marks": marks,
        "pending": marks.pending(announcement) and announcement.is_current(moment),
        "current": announcement.is_current(moment),
        "publisher": publisher,
        "audience": selectors.audience_rules(user=request.user, announcement=announcement),
        "versions": selectors.version_list(user=request.user, announcement=announcement)
        if publisher or announcement.version > 1
        else [],
        "questions": selectors.question_list(user=request.user, announcement=announcement),
        "can_ask": marks.in_audience or publisher,
        "error": error,
        "failed": failed,
        "errors": error.errors if error else {},
        "values": request.POST,
        "now": moment,
    }
    return render(
        request, "announcements/detail.html", context, status=error.status_code if error else 200
    )


def act(
    request: AuthenticatedHttpRequest,
    announcement_id: int,
    name: str,
    action: Callable[[Announcement], str],
) -> HttpResponse:
    """Run one action of the announcement page: a redirect back with its message, or the
    page again with the reason (nothing written)."""
    announcement = access(request, announcement_id)
    try:
        message = action(announcement)
    except DomainError as exc:
        return _detail(request, access(request, announcement_id), error=exc, failed=name)
    messages.success(request, message)
    return redirect("announcements:detail", announcement_id)


@allow_methods("POST")
@login_required
def announcement_acknowledge(
    request: AuthenticatedHttpRequest, announcement_id: int
) -> HttpResponse:
    def acknowledge(announcement: Announcement) -> str:
        version = request.POST.get("version", "")
        ack = writes.announcement_acknowledge(
            user=request.user,
            announcement=announcement,
            version=int(version) if version.isdigit() else None,
        )
        selectors.forget_pending(request.user)
        return f"Thank you: recorded that you read and understood version {ack.version}."

    return act(request, announcement_id, "acknowledge", acknowledge)


@allow_methods("POST")
@login_required
def announcement_publish(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    def publish(announcement: Announcement) -> str:
        writes.announcement_publish(actor=request.user, announcement=announcement)
        return "Published: its audience sees it now and is being notified."

    return act(request, announcement_id, "publish", publish)


@allow_methods("POST")
@login_required
def announcement_schedule(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    def schedule(announcement: Announcement) -> str:
        publish_at = parse(forms.ScheduleForm, request.POST)["publish_at"]
        done = writes.announcement_schedule(
            actor=request.user, announcement=announcement, publish_at=publish_at
        )
        return f"Scheduled for {_local(done.publish_at)}."

    return act(request, announcement_id, "schedule", schedule)


@allow_methods("POST")
@login_required
def announcement_unschedule(
    request: AuthenticatedHttpRequest, announcement_id: int
) -> HttpResponse:
    def unschedule(announcement: Announcement) -> str:
        writes.announcement_unschedule(actor=request.user, announcement=announcement)
        return "Back to a draft: nothing was published."

    return act(request, announcement_id, "unschedule", unschedule)


@allow_methods("POST")
@login_required
def announcement_archive(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    def archive(announcement: Announcement) -> str:
        writes.announcement_archive(actor=request.user, announcement=announcement)
        return "Archived: it has left the news and the banner."

    return act(request, announcement_id, "archive", archive)


@allow_methods("POST")
@login_required
def announcement_remind(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    def remind(announcement: Announcement) -> str:
        writes.announcement_remind(actor=request.user, announcement=announcement)
        return (
            "Reminding those still pending, in-app and by email (anyone reminded in the last "
            "24 hours is skipped)."
        )

    return act(request, announcement_id, "remind", remind)


@allow_methods("POST")
@login_required
def question_ask(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    def ask(announcement: Announcement) -> str:
        values = parse(forms.QuestionForm, request.POST)
        question_writes.question_ask(
            user=request.user,
            announcement=announcement,
            text=values["text"],
            is_public=values["visibility"] != "private",
        )
        return "Question sent to the publishers."

    return act(request, announcement_id, "ask", ask)


def _question_action(
    request: AuthenticatedHttpRequest,
    announcement_id: int,
    question_id: int,
    name: str,
    action: Callable[..., str],
) -> HttpResponse:
    def run(announcement: Announcement) -> str:
        question = selectors.access_question(user=request.user, question_id=question_id)
        if question.announcement_id != announcement.pk:
            raise NotFound(f"No question {question_id} on this announcement.")
        return action(question)

    return act(request, announcement_id, f"{name}-{question_id}", run)


@allow_methods("POST")
@login_required
def question_answer(
    request: AuthenticatedHttpRequest, announcement_id: int, question_id: int
) -> HttpResponse:
    def answer(question: object) -> str:
        text = parse(forms.AnswerForm, request.POST)["answer"]
        question_writes.question_answer(actor=request.user, question=question, answer=text)  # type: ignore[arg-type]
        return "Answer posted; the asker is notified."

    return _question_action(request, announcement_id, question_id, "answer", answer)


@allow_methods("POST")
@login_required
def question_hide(
    request: AuthenticatedHttpRequest, announcement_id: int, question_id: int
) -> HttpResponse:
    def hide(question: object) -> str:
        reason = parse(forms.HideForm, request.POST)["reason"]
        question_writes.question_hide(actor=request.user, question=question, reason=reason)  # type: ignore[arg-type]
        return "Question hidden from the audience; its asker still sees it, with your reason."

    return _question_action(request, announcement_id, question_id, "hide", hide)


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y, %H:%M}" if moment else ""

"""News: the list with search, an announcement's page and every action on it, the
publishers' editor and the read-receipt report with its CSV export.

Every action is a plain POST form answered with a redirect and a message; a refused one
writes nothing and shows its page again with the reason, under the domain error's status.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from staffdesk.announcements import forms, selectors
from staffdesk.announcements.drafts import Draft
from staffdesk.announcements.models import Announcement, AudienceRule, Role
from staffdesk.announcements.services import announcements as writes
from staffdesk.announcements.services import questions as question_writes
from staffdesk.core import clock
from staffdesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
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
            "can_publish": bool(_publishable_departments(request)),
            "now": moment,
        },
    )


def _publishable_departments(request: AuthenticatedHttpRequest) -> list[Department]:
    departments = department_list(user=request.user)
    if is_org_admin(request.user):
        return list(departments)
    return list(departments.filter(pk__in=selectors.publisher_department_ids(request.user)))


def _access(request: AuthenticatedHttpRequest, announcement_id: int) -> Announcement:
    return selectors.access_announcement(user=request.user, announcement_id=announcement_id)


@allow_methods("GET")
@login_required
def announcement_detail(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _access(request, announcement_id)
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
    announcement = _access(request, announcement_id)
    try:
        message = action(announcement)
    except DomainError as exc:
        return _detail(request, _access(request, announcement_id), error=exc, failed=name)
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


# --- The editor ---------------------------------------------------------------------------


FIELD_IDS = {
    "department": "department",
    "title": "title",
    "body": "body",
    "audience": "audience-everyone",
    "departments": "audience-departments",
    "teams": "audience-teams",
    "people": "audience-people",
    "roles": "audience-roles",
    "ack_due_on": "ack-due-on",
    "expires_at": "expires-at",
    "publish_at": "publish-at",
}


@allow_methods("GET", "POST")
@login_required
def announcement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    departments = _publishable_departments(request)
    if not departments:
        # Leads and organization admins write announcements; others have no editor to see.
        return _forbidden(request)
    if request.method == "GET":
        return _editor(request, departments, announcement=None)
    try:
        department, draft, _ = _read_editor(request, departments)
        created = writes.announcement_create(
            author=request.user, department=department, draft=draft
        )
    except DomainError as exc:
        return _editor(request, departments, announcement=None, error=exc)
    messages.success(request, "Draft saved. Check it, then publish it or schedule it.")
    return redirect("announcements:detail", created.pk)


@allow_methods("GET", "POST")
@login_required
def announcement_edit(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _access(request, announcement_id)
    if not selectors.may_publish(request.user, announcement.department_id):
        return _forbidden(request)
    departments = [announcement.department]
    if request.method == "GET":
        return _editor(request, departments, announcement=announcement)
    try:
        _, draft, needs_reack = _read_editor(request, departments)
        writes.announcement_update(
            editor=request.user, announcement=announcement, draft=draft, needs_reack=needs_reack
        )
    except DomainError as exc:
        return _editor(request, departments, announcement=announcement, error=exc)
    messages.success(request, "Saved.")
    return redirect("announcements:detail", announcement.pk)


def _forbidden(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "announcements/forbidden.html",
        {"reason": "Only the leads of a department and organization admins write announcements."},
        status=403,
    )


def _read_editor(
    request: AuthenticatedHttpRequest, departments: list[Department]
) -> tuple[Department, Draft, bool]:
    form = forms.AnnouncementForm(request.POST)
    if not form.is_valid():
        errors = {name: [str(t) for t in texts] for name, texts in form.errors.items()}
        raise ValidationFailed(
            "Check the form: "
            + "; ".join(f"{form.fields[n].label}: {' '.join(t)}" for n, t in errors.items()),
            errors=errors,
        )
    values = form.cleaned_data
    department = next((d for d in departments if d.pk == values["department"]), None)
    if department is None:
        raise PermissionDenied(
            "Only the leads of a department and organization admins publish for it.",
            errors={"department": ["choose a department you lead"]},
        )
    audience = selectors.resolve_audience(
        user=request.user,
        everyone=values["everyone"],
        departments=values["departments"],
        include_subdepartments=values["include_subdepartments"],
        teams=values["teams"],
        roles=values["roles"],
        people=form.people_texts(),
    )
    draft = Draft(
        title=values["title"] or "",
        body=values["body"] or "",
        audience=audience,
        ack_required=values["ack_required"],
        ack_due_on=values["ack_due_on"],
        expires_at=values["expires_at"],
    )
    return department, draft, values["needs_reack"]


def _editor(
    request: AuthenticatedHttpRequest,
    departments: list[Department],
    *,
    announcement: Announcement | None,
    error: DomainError | None = None,
) -> HttpResponse:
    rules = (
        selectors.audience_rules(user=request.user, announcement=announcement)
        if announcement is not None
        else []
    )
    kind = AudienceRule.Kind
    if request.method == "POST":
        values = request.POST
        chosen = {
            "everyone": values.get("everyone") == "on",
            "departments": {int(v) for v in values.getlist("departments") if v.isdigit()},
            "include_subdepartments": values.get("include_subdepartments") == "on",
            "teams": {int(v) for v in values.getlist("teams") if v.isdigit()},
            "roles": set(values.getlist("roles")),
            "people": values.get("people", ""),
        }
    else:
        chosen = {
            "everyone": any(r.kind == kind.EVERYONE for r in rules),
            "departments": {r.department_id for r in rules if r.kind == kind.DEPARTMENT},
            "include_subdepartments": any(r.include_subdepartments for r in rules),
            "teams": {r.department_id for r in rules if r.kind == kind.TEAM},
            "roles": {r.role for r in rules if r.kind == kind.ROLE},
            "people": "\n".join(r.person.username for r in rules if r.person is not None),
        }
    errors = error.errors if error else {}
    context = {
        "item": announcement,
        "departments": departments,
        "all_departments": list(department_list(user=request.user)),
        "roles": Role.choices,
        "chosen": chosen,
        "values": request.POST if request.method == "POST" else None,
        "error": error,
        "errors": errors,
        "error_summary": [
            (FIELD_IDS.get(key, ""), message) for key, texts in errors.items() for message in texts
        ],
        "body_max": 50_000,
    }
    return render(
        request, "announcements/edit.html", context, status=error.status_code if error else 200
    )


# --- The report ---------------------------------------------------------------------------


@allow_methods("GET")
@login_required
def announcement_report(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _access(request, announcement_id)
    report = selectors.receipt_report(user=request.user, announcement=announcement)
    return render(request, "announcements/report.html", {"report": report, "item": announcement})


class _Echo:
    def write(self, value: str) -> str:
        return value


@allow_methods("GET")
@login_required
def announcement_report_csv(
    request: AuthenticatedHttpRequest, announcement_id: int
) -> StreamingHttpResponse:
    """Everyone in the audience and what they did, one row each (streamed)."""
    announcement = _access(request, announcement_id)
    lines = selectors.receipt_lines(user=request.user, announcement=announcement)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            ["name", "username", "department", "viewed_at", "acknowledged_version",
             "acknowledged_at", "reminded_at"]
        )  # fmt: skip
        for line in lines:
            yield writer.writerow(
                [
                    _spreadsheet_safe(line.name),
                    line.username,
                    _spreadsheet_safe(line.department),
                    _iso(line.viewed_at),
                    line.acknowledged_version or "",
                    _iso(line.acknowledged_at),
                    _iso(line.reminded_at),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="announcement-{announcement.pk}-receipts.csv"'
    )
    return response


def _spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y, %H:%M}" if moment else ""

"""The publishers' editor of an announcement: a new draft, and changes to one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from staffdesk.announcements import forms, selectors
from staffdesk.announcements.drafts import Draft
from staffdesk.announcements.models import MAX_BODY, Announcement, AudienceRule, Role
from staffdesk.announcements.services import announcements as writes
from staffdesk.announcements.views.news import access, publishable_departments
from staffdesk.core.errors import DomainError, PermissionDenied
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import department_list
from staffdesk.directory.types import AuthenticatedHttpRequest

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
    departments = publishable_departments(request)
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
    announcement = access(request, announcement_id)
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
    values = parse(forms.AnnouncementForm, request.POST)
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
        people=forms.people_texts(values["people"]),
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
        "body_max": MAX_BODY,
    }
    return render(
        request, "announcements/edit.html", context, status=error.status_code if error else 200
    )

"""The status board: every current service notice, the last 90 days of past ones, a
notice's page with "I'm affected", and the team's forms to post, update and resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from staffdesk.announcements import forms, selectors
from staffdesk.announcements.drafts import NoticeDraft
from staffdesk.announcements.models import ServiceNotice
from staffdesk.announcements.services import notices as writes
from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import service_list
from staffdesk.core import clock
from staffdesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import department_list, is_org_admin, team_roles
from staffdesk.directory.types import AuthenticatedHttpRequest

FIELD_IDS = {
    "department": "department",
    "kind": "kind",
    "title": "title",
    "message": "message",
    "services": "services",
    "starts_at": "starts-at",
    "expected_end_at": "expected-end-at",
    "closing_message": "closing-message",
}


@allow_methods("GET")
@login_required
def status_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    moment = clock.now()
    board = selectors.status_board(user=request.user, now=moment)
    mine = selectors.affected_notice_ids(
        user=request.user, notice_ids=[n.pk for group in board.current.values() for n in group]
    )
    return render(
        request,
        "announcements/status.html",
        {"board": board, "now": moment, "mine": mine, "can_post": bool(_teams(request))},
    )


def _teams(request: AuthenticatedHttpRequest) -> list[Department]:
    departments = department_list(user=request.user)
    if is_org_admin(request.user):
        return list(departments)
    return list(departments.filter(pk__in=list(team_roles(request.user))))


def _access(request: AuthenticatedHttpRequest, notice_id: int) -> ServiceNotice:
    return selectors.access_notice(user=request.user, notice_id=notice_id)


@allow_methods("GET")
@login_required
def notice_detail(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    return _detail(request, _access(request, notice_id))


def _detail(
    request: AuthenticatedHttpRequest,
    notice: ServiceNotice,
    *,
    error: DomainError | None = None,
    failed: str = "",
) -> HttpResponse:
    moment = clock.now()
    team = selectors.may_post_notices(request.user, notice.department_id)
    affected = list(selectors.affected_list(user=request.user, notice=notice))
    context = {
        "notice": notice,
        "now": moment,
        "current": notice.is_current(moment),
        "team": team,
        "affected": affected if team else [],
        "i_am_affected": any(a.person_id == request.user.pk for a in affected),
        "error": error,
        "failed": failed,
        "errors": error.errors if error else {},
        "values": request.POST,
    }
    return render(
        request, "announcements/notice.html", context, status=error.status_code if error else 200
    )


def _back(request: AuthenticatedHttpRequest, notice: ServiceNotice) -> HttpResponse:
    """To the page the form was on (the request form, the status board), or the notice."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("announcements:notice", notice.pk)


@allow_methods("POST")
@login_required
def notice_affected(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    """ "I'm affected" instead of filing; "It works again" takes it back."""
    notice = _access(request, notice_id)
    try:
        if request.POST.get("affected") == "no":
            writes.notice_unaffected(user=request.user, notice=notice)
            messages.success(request, "Noted: you are no longer counted as affected.")
        else:
            service = _service_of(request, notice)
            _, new = writes.notice_affected(user=request.user, notice=notice, service=service)
            messages.success(
                request,
                "Thank you: the team counts you as affected and you will be told when it is "
                "resolved. No request was filed."
                if new
                else "You are already counted as affected.",
            )
    except DomainError as exc:
        return _detail(request, notice, error=exc, failed="affected")
    return _back(request, notice)


def _service_of(request: AuthenticatedHttpRequest, notice: ServiceNotice) -> Service | None:
    code = request.POST.get("service", "")
    if not code:
        return None
    return next((s for s in notice.service_list if s.code == code), None)  # type: ignore[attr-defined]


@allow_methods("GET", "POST")
@login_required
def notice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = _teams(request)
    if not teams:
        return render(
            request,
            "announcements/forbidden.html",
            {
                "reason": "Only a providing team's agents and organization admins post service notices."
            },
            status=403,
        )
    if request.method == "GET":
        return _editor(request, teams, notice=None)
    try:
        department, draft = _read(request, teams)
        notice = writes.notice_post(author=request.user, department=department, draft=draft)
    except DomainError as exc:
        return _editor(request, teams, notice=None, error=exc)
    messages.success(
        request, "Notice posted: it shows on its services, their forms and the status board."
    )
    return redirect("announcements:notice", notice.pk)


@allow_methods("GET", "POST")
@login_required
def notice_edit(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = _access(request, notice_id)
    if not selectors.may_post_notices(request.user, notice.department_id):
        return render(
            request,
            "announcements/forbidden.html",
            {"reason": "Only the providing team and organization admins change its notices."},
            status=403,
        )
    teams = [notice.department]
    if request.method == "GET":
        return _editor(request, teams, notice=notice)
    try:
        _, draft = _read(request, teams)
        writes.notice_update(actor=request.user, notice=notice, draft=draft)
    except DomainError as exc:
        return _editor(request, teams, notice=notice, error=exc)
    messages.success(request, "Notice updated.")
    return redirect("announcements:notice", notice.pk)


@allow_methods("POST")
@login_required
def notice_resolve(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = _access(request, notice_id)
    try:
        closing = parse(forms.ResolveForm, request.POST)["closing_message"]
        writes.notice_resolve(actor=request.user, notice=notice, closing_message=closing or "")
    except DomainError as exc:
        return _detail(request, notice, error=exc, failed="resolve")
    messages.success(request, "Resolved: everyone affected is being told.")
    return redirect("announcements:notice", notice.pk)


def _read(
    request: AuthenticatedHttpRequest, teams: list[Department]
) -> tuple[Department, NoticeDraft]:
    values = parse(forms.NoticeForm, request.POST)
    department = next((d for d in teams if d.pk == values["department"]), None)
    if department is None:
        raise PermissionDenied(
            "Only a providing team's agents and organization admins post its notices.",
            errors={"department": ["choose your team"]},
        )
    wanted = set(values["services"])
    services = list(service_list(user=request.user).filter(pk__in=wanted, department=department))
    if len(services) != len(wanted):
        raise ValidationFailed(
            f"Choose services of {department.name} only.",
            errors={"services": [f"not a service of {department.name}"]},
        )
    return department, NoticeDraft(
        kind=values["kind"],
        title=values["title"] or "",
        message=values["message"] or "",
        services=services,
        starts_at=values["starts_at"],
        expected_end_at=values["expected_end_at"],
    )


def _editor(
    request: AuthenticatedHttpRequest,
    teams: list[Department],
    *,
    notice: ServiceNotice | None,
    error: DomainError | None = None,
) -> HttpResponse:
    errors = error.errors if error else {}
    services = list(
        service_list(user=request.user).filter(department__in=teams).select_related("department")
    )
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("services") if v.isdigit()}
    else:
        chosen = {s.pk for s in notice.service_list} if notice is not None else set()  # type: ignore[attr-defined]
    context = {
        "notice": notice,
        "teams": teams,
        "services": services,
        "chosen": chosen,
        "kinds": ServiceNotice.Kind.choices,
        "values": request.POST if request.method == "POST" else None,
        "error": error,
        "errors": errors,
        "error_summary": [
            (FIELD_IDS.get(key, ""), message) for key, texts in errors.items() for message in texts
        ],
    }
    return render(
        request,
        "announcements/notice_edit.html",
        context,
        status=error.status_code if error else 200,
    )

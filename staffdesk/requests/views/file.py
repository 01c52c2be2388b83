"""The page of a service: what it is, who handles it, and the form that files a request."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from staffdesk.announcements.models import ServiceNotice
from staffdesk.announcements.selectors import (
    access_notice,
    affected_notice_ids,
    notices_for_services,
)
from staffdesk.catalog.forms import AnswersForm
from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import access_service, beneficiary_list
from staffdesk.core import clock
from staffdesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from staffdesk.core.http import allow_methods
from staffdesk.core.ids import parse_id
from staffdesk.directory.models import Person
from staffdesk.directory.selectors import access_person
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.requests.forms import RequestDetailsForm, parse
from staffdesk.requests.models import Request, Urgency
from staffdesk.requests.services.filing import request_submit_with_files
from staffdesk.requests.services.questions import request_ask

# Error key → id of the input it is shown beside (the answers' ids come from the form).
FIELD_IDS = {
    "subject": "subject",
    "description": "description",
    "urgency": "urgency-blocking",
    "on_behalf_of": "on-behalf-of",
    "file": "attachments",
    "question": "question",
}


@allow_methods("GET", "POST")
@login_required
def request_new(request: AuthenticatedHttpRequest, service_code: str) -> HttpResponse:
    service = _access(request, service_code)
    if request.method == "GET":
        return _page(request, service)
    answers = AnswersForm(fields=service.fields.all(), data=request.POST).answers()
    try:
        created = request_submit_with_files(
            requester=request.user,
            service=service,
            answers=answers,
            files=request.FILES.getlist("attachments"),
            notice=_notice(request),
            **_details(request),
        )
    except (ValidationFailed, PermissionDenied) as exc:
        return _page(request, service, error=exc)
    messages.success(request, f"Request {created.number} filed; {_who_is_on_it(created)}.")
    return redirect("requests:detail", created.number)


@allow_methods("POST")
@login_required
def request_question(request: AuthenticatedHttpRequest, service_code: str) -> HttpResponse:
    """An information-only service's "Ask a question": a request to its point person."""
    service = _access(request, service_code)
    try:
        created = request_ask(
            requester=request.user, service=service, question=request.POST.get("question", "")
        )
    except (ValidationFailed, PermissionDenied) as exc:
        return _page(request, service, error=exc)
    messages.success(request, f"Question sent as {created.number}; {_who_is_on_it(created)}.")
    return redirect("requests:detail", created.number)


def _access(request: AuthenticatedHttpRequest, service_code: str) -> Service:
    return access_service(user=request.user, code=service_code)


def _details(request: AuthenticatedHttpRequest) -> dict:
    """Subject, description, urgency and beneficiary as posted; the service judges them (the
    team sets the priority on the request page)."""
    return {
        **parse(RequestDetailsForm, request.POST),
        "urgency": request.POST.get("urgency") or Urgency.SLOWING,
        "on_behalf_of": _beneficiary(request, request.POST.get("on_behalf_of", "")),
    }


def _beneficiary(request: AuthenticatedHttpRequest, person_id: str) -> Person | None:
    if not person_id:
        return None
    no_such_person = ValidationFailed(
        "No such person.", errors={"on_behalf_of": ["choose a person from the list"]}
    )
    if (found := parse_id(person_id)) is None:
        raise no_such_person
    try:
        return access_person(user=request.user, person_id=found)
    except NotFound as exc:
        raise no_such_person from exc


def _notice(request: AuthenticatedHttpRequest) -> ServiceNotice | None:
    """The notice the form showed, when the person files anyway (linked to the request)."""
    found = parse_id(request.POST.get("notice", ""))
    if found is None:
        return None
    try:
        return access_notice(user=request.user, notice_id=found)
    except NotFound as exc:
        raise ValidationFailed(
            "That service notice does not exist.", errors={"notice": ["no such notice"]}
        ) from exc


def _who_is_on_it(created: Request) -> str:
    if created.assignee is not None:
        return f"{created.assignee.display_name} is on it"
    return f"it is in the {created.department.name} queue"


def _page(
    request: AuthenticatedHttpRequest, service: Service, *, error: DomainError | None = None
) -> HttpResponse:
    """The service page; after a refused post, with the answers kept and every message shown."""
    errors = error.errors if error else {}
    form = AnswersForm(fields=service.fields.all(), data=request.POST or None, errors=errors)
    beneficiaries = list(beneficiary_list(user=request.user, service=service))
    anchors = {**FIELD_IDS, **form.anchors()}
    if not beneficiaries:
        anchors.pop("on_behalf_of")
    notices = notices_for_services(user=request.user, service_ids=[service.pk]).get(service.pk, [])
    context = {
        "service": service,
        "notices": notices,
        "affected_ids": affected_notice_ids(user=request.user, notice_ids=[n.pk for n in notices]),
        "now": clock.now(),
        "form": form,
        "beneficiaries": beneficiaries,
        "values": request.POST,
        "urgency": request.POST.get("urgency") or Urgency.SLOWING,
        "urgencies": Urgency.choices,
        "max_attachment_bytes": settings.STAFFDESK_MAX_ATTACHMENT_BYTES,
        "max_attachments": settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE,
        "errors": errors,
        "error": error,
        "error_summary": [
            (anchors.get(key, ""), message) for key, texts in errors.items() for message in texts
        ],
    }
    return render(request, "requests/new.html", context, status=error.status_code if error else 200)

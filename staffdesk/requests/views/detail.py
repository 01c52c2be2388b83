"""The request page and every action on it.

Each action is a plain POST form answered with a redirect back to the page and a message;
htmx posts get the refreshed page section instead. A refused action writes nothing and
shows the page again with the reason, under the status of the domain error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render

from staffdesk.core import clock
from staffdesk.core.errors import DomainError, ValidationFailed
from staffdesk.core.http import allow_methods
from staffdesk.directory.selectors import access_person, person_find
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.requests import compiled_reads, forms, read, selectors, services
from staffdesk.requests.downloads import attachment_response
from staffdesk.requests.models import Priority, Request, Status
from staffdesk.requests.panels import detail_panels
from staffdesk.requests.services.messaging import attachment_add_many, request_message_post

# What the button that moves a request to each status says.
MOVE_LABELS: dict[str, str] = {
    Status.ACKNOWLEDGED: "Acknowledge",
    Status.IN_PROGRESS: "Start work",
    Status.WAITING_ON_REQUESTER: "Wait on requester",
    Status.RESOLVED: "Resolve",
    Status.CLOSED: "Close",
    Status.CANCELLED: "Cancel",
}


def _access(request: AuthenticatedHttpRequest, number: str) -> Request:
    return selectors.access_request(user=request.user, number=number)


@allow_methods("GET")
@login_required
def request_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    return _page(request, number)


@allow_methods("GET")
@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, number: str, attachment_id: int
) -> FileResponse:
    item = _access(request, number)
    attachment = selectors.access_attachment(
        user=request.user, request=item, attachment_id=attachment_id
    )
    return attachment_response(attachment)


# --- Actions ----------------------------------------------------------------------------


@allow_methods("POST")
@login_required
def request_reply(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def reply(item: Request) -> str:
        body = forms.parse(forms.MessageForm, request.POST)["body"]
        files = request.FILES.getlist("files")
        reopen = request.POST.get("reopen") == "yes"
        request_message_post(
            request=item, author=request.user, body=body, files=files, reopen=reopen
        )
        return "Reply sent; the request is open again." if reopen else "Reply sent."

    return act_on_request(request, number, "reply", reply)


@allow_methods("POST")
@login_required
def request_note(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def note(item: Request) -> str:
        body = forms.parse(forms.MessageForm, request.POST)["body"]
        files = request.FILES.getlist("files")
        request_message_post(
            request=item, author=request.user, body=body, files=files, internal=True
        )
        return "Internal note added."

    return act_on_request(request, number, "note", note)


@allow_methods("POST")
@login_required
def attachment_upload(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def upload(item: Request) -> str:
        files = request.FILES.getlist("files")
        added = attachment_add_many(request=item, uploader=request.user, files=files)
        return f"Added {len(added)} file{'' if len(added) == 1 else 's'}."

    return act_on_request(request, number, "upload", upload)


@allow_methods("POST")
@login_required
def request_transition(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def move(item: Request) -> str:
        posted = forms.parse(forms.TransitionForm, request.POST)
        status, note = posted["status"], posted["note"]
        resolving = status == Status.RESOLVED
        if (
            resolving
            and not note.strip()
            and status in selectors.allowed_transitions(user=request.user, request=item)
        ):
            raise ValidationFailed(
                "Say what was done: the requester reads the resolution note.",
                errors={"note": ["the resolution note is required"]},
            )
        moved = services.request_transition(
            request=item,
            actor=request.user,
            to_status=status,
            note=note,
            resolution_code=posted["resolution_code"],
        )
        return f"{moved.number} is now {moved.get_status_display().lower()}."

    return act_on_request(request, number, "transition", move)


@allow_methods("POST")
@login_required
def request_assign(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def assign(item: Request) -> str:
        person_id = forms.parse(forms.AssignForm, request.POST)["assignee"]
        person = access_person(user=request.user, person_id=person_id) if person_id else None
        services.request_assign(request=item, actor=request.user, assignee=person)
        if person is None:
            return f"Unassigned: back in the {item.department.name} queue."
        return f"Assigned to {person.display_name}."

    return act_on_request(request, number, "assign", assign)


@allow_methods("POST")
@login_required
def request_priority(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def prioritize(item: Request) -> str:
        priority = forms.parse(forms.PriorityForm, request.POST)["priority"]
        changed = services.request_set_priority(request=item, actor=request.user, priority=priority)
        return f"Priority set to {changed.get_priority_display()}."

    return act_on_request(request, number, "priority", prioritize)


@allow_methods("POST")
@login_required
def watcher_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def add(item: Request) -> str:
        if "person_id" in request.POST:
            person_id = forms.parse(forms.PersonForm, request.POST)["person_id"]
            person = access_person(user=request.user, person_id=person_id)
        else:
            text = forms.parse(forms.PersonSearchForm, request.POST)["person"]
            person = person_find(user=request.user, text=text)
        services.watcher_add(request=item, actor=request.user, person=person)
        return f"{person.display_name} now watches {item.number}."

    return act_on_request(request, number, "watcher_add", add)


@allow_methods("POST")
@login_required
def watcher_remove(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    def remove(item: Request) -> str:
        person_id = forms.parse(forms.PersonForm, request.POST)["person_id"]
        watcher = selectors.access_watcher(user=request.user, request=item, person_id=person_id)
        services.watcher_remove(request=item, actor=request.user, person=watcher.person)
        return f"{watcher.person.display_name} no longer watches {item.number}."

    return act_on_request(request, number, "watcher_remove", remove)


# --- Shared by the actions and the page ---------------------------------------------------


def act_on_request(
    request: AuthenticatedHttpRequest, number: str, form: str, action: Callable[[Request], str]
) -> HttpResponse:
    """Run one action on a request the user can see (else 404) and answer as the page does.

    `action` performs the change and returns the message to show; a `DomainError` it raises
    is shown instead, with the page again under the error's status and `form` marked as the
    refused one (its field errors beside its fields, its typed text kept). Upper layers'
    actions on the page (see `requests.panels`) answer through this too."""
    item = _access(request, number)
    try:
        done = action(item)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, number, status=exc.status_code, failed=form, errors=exc.errors)
    messages.success(request, done)
    if request.htmx:
        return _page(request, number)
    return redirect("requests:detail", number=item.number)


def _page(
    request: AuthenticatedHttpRequest,
    number: str,
    *,
    status: int = 200,
    failed: str = "",
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The whole page, or for htmx only its main section; `failed` names the refused form,
    whose errors are shown beside its fields and whose typed text is kept."""
    user = request.user
    now = clock.now()
    detail = read.request_detail(user=user, number=number, now=now, files=False)
    item = detail.request
    context = {
        "item": item,
        "detail": detail,
        "answers": selectors.request_answers(
            request=item, fields=compiled_reads.form_fields(request=item)
        ),
        "panels": detail_panels(user=user, request=item, now=now, timeline=detail.timeline),
        "moves": _moves(item, detail.allowed_transitions),
        "resolution_codes": compiled_reads.resolution_codes(request=item)
        if Status.RESOLVED in detail.allowed_transitions
        else [],
        "manages_watchers": detail.is_team or detail.is_requester_side,
        "agents": compiled_reads.team_agents(request=item) if detail.is_team else [],
        "other_open": compiled_reads.requester_other_open(user=user, request=item)
        if detail.is_team
        else [],
        "other_open_shown": selectors.OTHER_OPEN_SHOWN,
        "priorities": Priority.choices,
        "is_finished": item.is_finished,
        # A reply to a resolved request is a comment unless its author reopens it.
        "can_reopen": item.status == Status.RESOLVED
        and Status.IN_PROGRESS in detail.allowed_transitions,
        "max_upload_bytes": settings.STAFFDESK_MAX_ATTACHMENT_BYTES,
        "max_uploads": settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE,
        "failed": failed,
        "errors": errors or {},
        "values": request.POST if failed else {},
    }
    template = "requests/partials/detail_section.html" if request.htmx else "requests/detail.html"
    return render(request, template, context, status=status)


def _moves(item: Request, allowed: tuple[str, ...]) -> list[dict[str, str]]:
    """The buttons for the moves allowed now; back to in progress from resolved is a reopen."""
    return [
        {
            "status": status,
            "label": "Reopen"
            if status == Status.IN_PROGRESS and item.status == Status.RESOLVED
            else MOVE_LABELS[status],
        }
        for status in allowed
    ]

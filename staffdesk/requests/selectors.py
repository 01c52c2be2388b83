"""Reads of requests, always through `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.pagination import Page, paginate_by_id
from staffdesk.directory.selectors import is_agent_of
from staffdesk.requests.models import Attachment, Request, RequestEvent, Status, Watcher


@dataclass(frozen=True)
class RequestFilters:
    """What a request list may be narrowed by; empty values mean "any"."""

    status: tuple[str, ...] = ()
    service: str = ""
    department: str = ""
    assignee: str = ""  # a person id, "me" or "none"
    requester: str = ""  # a person id or "me"
    text: str = ""


def _person_filter(value: str, *, user, field: str) -> Q:
    if value == "me":
        return Q(**{f"{field}_id": user.pk})
    if value == "none" and field == "assignee":
        return Q(assignee__isnull=True)
    if value.isdigit():
        return Q(**{f"{field}_id": int(value)})
    raise ValidationFailed(
        f"{field} must be a person id or 'me'{' or none' if field == 'assignee' else ''}.",
        errors={field: [f"not a person id: {value!r}"]},
    )


def request_list(*, user, filters: RequestFilters | None = None) -> QuerySet[Request]:
    filters = filters or RequestFilters()
    requests = Request.objects.visible_to(user).select_related(
        "service", "department", "requester", "on_behalf_of", "assignee"
    )
    unknown = [status for status in filters.status if status not in Status.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown status {', '.join(unknown)}; use one of {', '.join(Status.values)}.",
            errors={"status": [f"unknown: {', '.join(unknown)}"]},
        )
    if filters.status:
        requests = requests.filter(status__in=filters.status)
    if filters.service:
        requests = requests.filter(service__code=filters.service)
    if filters.department:
        requests = requests.filter(department__code=filters.department.upper())
    if filters.assignee:
        requests = requests.filter(_person_filter(filters.assignee, user=user, field="assignee"))
    if filters.requester:
        requests = requests.filter(_person_filter(filters.requester, user=user, field="requester"))
    for word in filters.text.split():
        requests = requests.filter(
            Q(subject__icontains=word) | Q(description__icontains=word) | Q(number__iexact=word)
        )
    return requests


def request_page(
    *, user, filters: RequestFilters | None = None, cursor: str | None = None, limit: int = 50
) -> Page:
    return paginate_by_id(request_list(user=user, filters=filters), cursor=cursor, limit=limit)


def request_counts(*, user, filters: RequestFilters | None = None) -> dict[str, int]:
    """How many visible requests match, per status, in one grouped query."""
    rows = (
        request_list(user=user, filters=filters)
        .order_by()
        .values_list("status")
        .annotate(total=Count("id"))
    )
    by_status = dict.fromkeys(Status.values, 0)
    by_status.update(dict(rows))
    return by_status


def access_request(*, user, number: str) -> Request:
    """The request with this number if the user may see it; otherwise NotFound, never 403."""
    request = (
        Request.objects.visible_to(user)
        .select_related(
            "service", "department", "requester", "on_behalf_of", "assignee", "requester_department"
        )
        .filter(number=number.upper())
        .first()
    )
    if request is None:
        raise NotFound(f"No request {number}.")
    return request


def request_timeline(*, user, request: Request) -> QuerySet[RequestEvent]:
    """The events of a request this user may see, with their attachments, oldest first."""
    return (
        RequestEvent.objects.visible_to(user)
        .filter(request=request)
        .select_related("actor")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.visible_to(user).order_by("id"))
        )
        .order_by("created_at", "id")
    )


def request_attachments(*, user, request: Request) -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(user).filter(request=request).select_related("uploaded_by")


def access_attachment(*, user, request: Request, attachment_id: int) -> Attachment:
    attachment = request_attachments(user=user, request=request).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"No attachment {attachment_id} on request {request.number}.")
    return attachment


def request_watchers(*, user, request: Request) -> QuerySet[Watcher]:
    return Watcher.objects.filter(
        request__in=Request.objects.visible_to(user), request=request
    ).select_related("person")


def can_work_on(user, request: Request) -> bool:
    """Agents and leads of the providing department work on its requests."""
    return is_agent_of(user, request.department_id)

"""A department's suggestion queue (its team's: overdue first, drafts to publish at once,
a CSV export) and the "You said, we did" board open to all staff."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import DomainError, PermissionDenied
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.core.markdown import render as markdown
from staffdesk.directory.models import Department
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.feedback import forms
from staffdesk.feedback.models import SuggestionStatus
from staffdesk.feedback.selectors import suggestions as selectors
from staffdesk.feedback.services import suggestions as writes

QUEUE_STATUSES = [("open", "Open"), *SuggestionStatus.choices, ("all", "All")]
QUEUE_SORTS = [("respond_by", "Response target"), ("votes", "Votes")]


def _refused(request: AuthenticatedHttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request, "feedback/suggestion_refused.html", {"error": error}, status=error.status_code
    )


def _queue_filters(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    values = forms.filters_of(forms.QueueFilterForm(request.GET))
    return {
        "department": values.get("department", ""),
        "status": values.get("status", "open"),
        "sort": values.get("sort", "respond_by"),
        "page": values.get("page", 1),
    }


@allow_methods("GET")
@login_required
def suggestion_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The suggestions to one of the user's departments, for its team."""
    filters = _queue_filters(request)
    try:
        department = selectors.access_queue_department(
            user=request.user, code=filters["department"]
        )
    except DomainError as exc:
        return _refused(request, exc)
    return _queue(request, department, filters)


def _queue(
    request: AuthenticatedHttpRequest,
    department: Department,
    filters: dict[str, Any],
    *,
    error: DomainError | None = None,
) -> HttpResponse:
    moment = clock.now()
    queue = selectors.department_queue(
        user=request.user,
        department=department,
        status=filters["status"],
        sort=filters["sort"],
        page=filters["page"],
        now=moment,
    )
    query = request.GET.copy()
    query["page"] = str(queue.page + 1)
    return render(
        request,
        "feedback/queue.html",
        {
            "queue": queue,
            "filters": filters,
            "teams": selectors.queue_departments(user=request.user),
            "statuses": QUEUE_STATUSES,
            "sorts": QUEUE_SORTS,
            "next_url": f"?{query.urlencode()}" if queue.has_next else "",
            "csv_query": request.GET.urlencode(),
            "error": error,
        },
        status=error.status_code if error else 200,
    )


@allow_methods("POST")
@login_required
def suggestion_queue_publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Publish the drafts chosen in the queue, all at once (or, one refused, none)."""
    try:
        values = parse(forms.PublishForm, request.POST)
    except DomainError as exc:
        return _refused(request, exc)
    teams = {d.pk: d for d in selectors.queue_departments(user=request.user)}
    department = teams.get(values["department"])
    if department is None:
        refusal = PermissionDenied("Only the department's team publishes its responses.")
        return _refused(request, refusal)
    try:
        published = writes.suggestion_responses_publish(
            department=department, actor=request.user, response_ids=values["response_ids"]
        )
    except DomainError as exc:
        filters = {"department": department.code, "status": "open", "sort": "respond_by", "page": 1}
        return _queue(request, department, filters, error=exc)
    suggestions = len({response.suggestion_id for response in published})
    messages.success(
        request,
        f"Published {len(published)} response{'s' if len(published) != 1 else ''} to "
        f"{suggestions} suggestion{'s' if suggestions != 1 else ''}; their followers are told.",
    )
    return redirect(f"{reverse('feedback:suggestion-queue')}?department={department.code}")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


@allow_methods("GET")
@login_required
def suggestion_queue_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue as filtered, every row (streamed); an anonymous suggestion's author column
    says "anonymous", as there is no author to write."""
    filters = _queue_filters(request)
    try:
        department = selectors.access_queue_department(
            user=request.user, code=filters["department"]
        )
        rows = selectors.queue_export(
            user=request.user, department=department, status=filters["status"], sort=filters["sort"]
        )
    except DomainError as exc:
        return _refused(request, exc)
    writer = csv.writer(_Echo())
    base = request.build_absolute_uri("/")[:-1]

    def lines() -> Iterator[str]:
        yield writer.writerow(
            ["id", "title", "status", "votes", "service", "author", "submitted", "respond_by",
             "responded_at", "overdue", "url"]
        )  # fmt: skip
        for s in rows.iterator(chunk_size=500):
            author = "anonymous" if s.is_anonymous or s.author is None else s.author.username
            yield writer.writerow(
                [
                    s.pk,
                    _cell(s.title),
                    s.status,
                    s.vote_count,
                    _cell(s.service.name) if s.service else "",
                    _cell(author),
                    _iso(s.created_at),
                    _iso(s.respond_by),
                    _iso(s.responded_at),
                    "yes" if s.overdue_now else "",  # type: ignore[attr-defined]
                    base + reverse("feedback:suggestion", args=[s.pk]),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="suggestions-{department.code.lower()}.csv"'
    )
    return response  # type: ignore[return-value]


@allow_methods("GET")
@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """You said, we did: what was done in the last twelve months, and how each department
    answers its suggestions."""
    values = forms.filters_of(forms.BoardFilterForm(request.GET))
    found = selectors.board(
        user=request.user,
        department_id=values.get("department"),
        service_id=values.get("service"),
        page=values.get("page", 1),
    )
    for item in found.items:
        if item.response is not None:
            item.response.body_html = markdown(item.response.body)  # type: ignore[attr-defined]
    # The services of the department chosen (every department's would be hundreds).
    services = Service.objects.visible_to(request.user).filter(
        is_active=True, department_id=values.get("department")
    )
    query = request.GET.copy()
    query["page"] = str(found.page + 1)
    return render(
        request,
        "feedback/board.html",
        {
            "board": found,
            "values": values,
            "services": list(services.order_by("name").only("pk", "name")),
            "next_url": f"?{query.urlencode()}" if found.has_next else "",
        },
    )

"""Web lists of requests: the agent's queue and "My requests".

Both are one GET form over a keyset-paginated table. With htmx the form and the page links
swap only the results region (the view then answers with that fragment); without JavaScript
the same form and links load whole pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.forms.renderers import Jinja2
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from staffdesk.core.errors import ValidationFailed
from staffdesk.core.http import allow_methods
from staffdesk.core.jinja import render_rows
from staffdesk.core.pagination import Page
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.requests import compiled_reads, selectors
from staffdesk.requests.models import OPEN_STATUSES, Priority
from staffdesk.requests.row_actions import with_row_actions

QUEUE_RESULTS = "queue-results"
MINE_RESULTS = "mine-results"


class _FilterForm(forms.Form):
    """A GET filter form: Bootstrap classes; invalid fields are ignored and marked with their error."""

    # Django's widget templates in their Jinja2 form (the same markup): a select renders each
    # option through a template, which in Django's engine cost the queue 4 ms for 47 options.
    # One instance: a class here would make a new engine, compiling every template, per form.
    default_renderer = Jinja2()

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def valid_data(self) -> dict:
        """The fields that parsed; the others count as "any" and carry their error."""
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
        return self.cleaned_data


class QueueFilterForm(_FilterForm):
    """Parses and renders the queue's filters; the choices come from the agent's scope."""

    department = forms.ChoiceField(label="Department", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All open")] + [(s.value, s.label) for s in OPEN_STATUSES],
    )
    assignee = forms.ChoiceField(label="Assignee", required=False)
    service = forms.ChoiceField(label="Service", required=False)
    priority = forms.TypedChoiceField(
        label="Priority",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any priority"), *Priority.choices],
    )
    q = forms.CharField(label="Search", required=False, max_length=200, widget=forms.SearchInput)
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[
            ("urgency", "SLA urgency (what breaches first)"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("priority", "Priority (P1 first, then oldest)"),
            ("updated", "Recently updated"),
        ],
    )

    def __init__(self, data: QueryDict, *, scope: selectors.QueueScope) -> None:
        super().__init__(data)
        # The three fields declared above as ChoiceFields; `fields` holds their copies.
        department = cast("forms.ChoiceField", self.fields["department"])
        assignee = cast("forms.ChoiceField", self.fields["assignee"])
        service = cast("forms.ChoiceField", self.fields["service"])
        everyone = "Choose a department" if scope.needs_department else "All my departments"
        department.choices = [("", everyone)] + [
            (department.code, department.name) for department in scope.departments
        ]
        assignee.choices = [
            ("", "Anyone"),
            ("me", "Assigned to me"),
            ("none", "Unassigned"),
        ] + [(str(person.pk), person.display_name) for person in scope.members]
        services: list[tuple[str, str | list[tuple[str, str]]]] = [
            (s.code, s.name) for s in scope.services
        ]
        if len(scope.departments) > 1:
            offering = {s.department_id for s in scope.services}
            services = [
                (
                    department.name,
                    [(s.code, s.name) for s in scope.services if s.department_id == department.pk],
                )
                for department in scope.departments
                if department.pk in offering
            ]
        service.choices = [("", "All services"), *services]
        self.show_departments = len(scope.departments) > 1 or scope.needs_department

    def to_filters(self) -> tuple[selectors.RequestFilters, str]:
        """The valid filters (an invalid field counts as "any" and shows its error) and the sort."""
        data = self.valid_data()
        filters = selectors.RequestFilters(
            status=(data["status"],) if data.get("status") else (),
            department=data.get("department") or "",
            assignee=data.get("assignee") or "",
            service=data.get("service") or "",
            priority=data.get("priority"),
            text=data.get("q") or "",
        )
        return filters, data.get("sort") or "urgency"


class MineFilterForm(_FilterForm):
    """Parses and renders the filters of "My requests"."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Open"), ("done", "Resolved, closed or cancelled"), ("all", "All")],
    )
    relation = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("all", "Everything"),
            ("filed", "Filed by me or for me"),
            ("watching", "Watching"),
        ],
    )
    q = forms.CharField(label="Search", required=False, max_length=200, widget=forms.SearchInput)

    def to_filters(self) -> tuple[selectors.RequestFilters, str]:
        data = self.valid_data()
        statuses = selectors.STATUS_GROUPS[data.get("status") or "open"]
        filters = selectors.RequestFilters(status=statuses, text=data.get("q") or "")
        return filters, data.get("relation") or "all"


def _link(request: AuthenticatedHttpRequest, **changes: str | None) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _paginate(request: AuthenticatedHttpRequest, fetch: Callable[[str | None], Page]) -> dict:
    """Fetch the page the URL points at; a stale or foreign cursor falls back to the first page."""
    cursor = request.GET.get("cursor") or None
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    try:
        page, notice = fetch(cursor), ""
    except ValidationFailed as exc:
        page, notice, cursor, number = fetch(None), exc.message, None, 1
    number = max(number, 1) if cursor else 1
    return {
        "page": page,
        "page_number": number,
        "page_notice": notice,
        "next_url": page.next_cursor
        and _link(request, cursor=page.next_cursor, page=str(number + 1)),
        "previous_url": page.previous_cursor
        and _link(request, cursor=page.previous_cursor, page=str(number - 1)),
        "first_url": _link(request, cursor=None, page=None) if cursor else "",
    }


def _swaps_results(request: AuthenticatedHttpRequest, target: str) -> bool:
    """An htmx request that swaps only the results region `target`."""
    htmx = request.htmx
    return bool(htmx and not htmx.history_restore_request and htmx.target == target)


def _render(
    request: AuthenticatedHttpRequest,
    template: str,
    fragment: str,
    target: str,
    context: dict[str, object],
) -> HttpResponse:
    """The results fragment for htmx swaps of the results region, the whole page otherwise."""
    response = render(request, fragment if _swaps_results(request, target) else template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@allow_methods("GET")
@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = selectors.queue_scope(user=request.user, department=request.GET.get("department", ""))
    form = QueueFilterForm(request.GET, scope=scope)
    filters, sort = form.to_filters()
    context: dict[str, object] = {"form": form, "results_id": QUEUE_RESULTS}
    if scope.needs_department and not filters.department:
        # An organization admin on no team: every department at once is not a queue.
        context["choose_department"] = True
    else:
        context |= _paginate(
            request,
            lambda cursor: compiled_reads.queue_page(
                user=request.user, filters=filters, sort=sort, cursor=cursor
            ),
        )
        context["total"] = compiled_reads.queue_total(user=request.user, filters=filters)
    # The rows are a Jinja2 template (core/jinja.py); the page around them a Django one.
    results = render_rows("requests/queue_results.html", context | {"detail_url": _detail_url})
    if _swaps_results(request, QUEUE_RESULTS):
        response = HttpResponse(results)
    else:
        response = render(request, "requests/queue.html", context | {"results": results})
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _detail_url(number: str) -> str:
    """The request page's address: a request number needs no quoting (letters, digits, -)."""
    return _detail_prefix() + number


@functools.cache
def _detail_prefix() -> str:
    return reverse("requests:detail", args=["-"])[:-1]


@allow_methods("GET")
@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = MineFilterForm(request.GET)
    filters, relation = form.to_filters()
    pagination = _paginate(
        request,
        lambda cursor: selectors.my_request_page(
            user=request.user, relation=relation, filters=filters, cursor=cursor
        ),
    )
    context = {"form": form, "results_id": MINE_RESULTS, **pagination}
    context["rows"] = with_row_actions(user=request.user, requests=pagination["page"].items)
    return _render(
        request, "requests/mine.html", "requests/partials/mine_results.html", MINE_RESULTS, context
    )

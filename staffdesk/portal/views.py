"""Pages that gather several apps: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from staffdesk.catalog.selectors import catalog_search
from staffdesk.core.http import allow_methods
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.portal.forms import HomeSearchForm
from staffdesk.requests.models import OPEN_STATUSES
from staffdesk.requests.selectors import RequestFilters, request_list

SEARCH_LIMIT = 25
MY_REQUESTS_LIMIT = 20


@allow_methods("GET")
@login_required
@vary_on_headers("HX-Request")
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search box and my open requests; typing in the box asks for the results alone."""
    search = HomeSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    found = catalog_search(user=request.user, query=query, limit=SEARCH_LIMIT)
    results = {
        "query": query,
        "services": found.services,
        "more": found.more,
        "general": found.general,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "portal/partials/service_results.html", results)
    mine = request_list(
        user=request.user, filters=RequestFilters(requester="me", status=OPEN_STATUSES)
    )[:MY_REQUESTS_LIMIT]
    return render(request, "portal/home.html", {**results, "my_requests": mine})

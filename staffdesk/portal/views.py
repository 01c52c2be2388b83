"""Pages that gather several apps: the home page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from staffdesk.announcements.selectors import current_notices, news_for
from staffdesk.catalog.badges import service_badges
from staffdesk.catalog.selectors import catalog_search
from staffdesk.core import clock
from staffdesk.core.http import allow_methods
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.portal.forms import HomeSearchForm
from staffdesk.requests.models import OPEN_STATUSES
from staffdesk.requests.selectors import RequestFilters, request_list

SEARCH_LIMIT = 25
MY_REQUESTS_LIMIT = 20
# The notices of the services someone filed for in this many days show on their home page.
RECENT_FILING_DAYS = 30


@allow_methods("GET")
@login_required
@vary_on_headers("HX-Request")
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The search box and my open requests; typing in the box asks for the results alone."""
    search = HomeSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    found = catalog_search(user=request.user, query=query, limit=SEARCH_LIMIT)
    shown = [*found.services, *([found.general] if found.general else [])]
    results = {
        "query": query,
        "services": found.services,
        "more": found.more,
        "general": found.general,
        "badges": service_badges(user=request.user, service_ids=[s.pk for s in shown])
        if query
        else {},
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "portal/partials/service_results.html", results)
    mine = request_list(
        user=request.user, filters=RequestFilters(requester="me", status=OPEN_STATUSES)
    )[:MY_REQUESTS_LIMIT]
    moment = clock.now()
    recent = (
        request_list(user=request.user, filters=RequestFilters(requester="me"))
        .filter(created_at__gte=moment - timedelta(days=RECENT_FILING_DAYS))
        .order_by()
        .values("service_id")
    )
    return render(
        request,
        "portal/home.html",
        {
            **results,
            "my_requests": mine,
            "news": news_for(user=request.user, now=moment),
            "notices": list(
                current_notices(user=request.user, now=moment)
                .filter(services__in=recent, starts_at__lte=moment)
                .distinct()
            ),
        },
    )

"""Pages that gather several apps: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from staffdesk.catalog.selectors import service_list
from staffdesk.requests.models import OPEN_STATUSES
from staffdesk.requests.selectors import RequestFilters, request_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    mine = request_list(
        user=request.user, filters=RequestFilters(requester="me", status=OPEN_STATUSES)
    )[:20]
    services = service_list(user=request.user, query=query).filter(is_active=True)[:50]
    return render(
        request,
        "config/home.html",
        {
            "my_requests": mine,
            "services": services,
            "query": query,
        },
    )

"""Web pages of my in-app notifications: the list, marking read, and opening one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.vary import vary_on_headers

from staffdesk.core.errors import ValidationFailed
from staffdesk.core.http import allow_methods
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.notifications import selectors, services


def _list_url(cursor: str = "") -> str:
    url = reverse("notifications:list")
    return f"{url}?{urlencode({'cursor': cursor})}" if cursor else url


def _local_path(url: str) -> str | None:
    """The url if it is a path on this site ("/..."), else None: never an open redirect."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return None


def _page_context(request: AuthenticatedHttpRequest, cursor: str) -> dict:
    try:
        page = selectors.notification_page(user=request.user, cursor=cursor or None)
    except ValidationFailed as exc:
        raise BadRequest(exc.message) from exc
    return {
        "page": page,
        "cursor": cursor,
        "next_url": _list_url(page.next_cursor) if page.next_cursor else "",
    }


@allow_methods("GET")
@login_required
@vary_on_headers("HX-Request")
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _page_context(request, request.GET.get("cursor", ""))
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "notifications/partials/list.html", context)
    return render(request, "notifications/list.html", context)


@allow_methods("POST")
@login_required
def notification_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(
        user=request.user, notification_id=notification_id
    )
    if request.htmx:
        return render(
            request,
            "notifications/partials/item_read.html",
            {"notification": notification, "status": "Marked read."},
        )
    return redirect(_list_url(request.POST.get("cursor", "")))


@allow_methods("POST")
@login_required
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    cursor = request.POST.get("cursor", "")
    if request.htmx:
        context = {**_page_context(request, cursor), "status": f"Marked {count} read."}
        return render(request, "notifications/partials/list_read.html", context)
    return redirect(_list_url(cursor))


@allow_methods("GET")
@login_required
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link: it counts as read. Only paths on this site are followed."""
    notification = services.notification_mark_read(
        user=request.user, notification_id=notification_id
    )
    return redirect(_local_path(notification.url) or reverse("notifications:list"))

"""Web pages of requests."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from staffdesk.core.errors import NotFound
from staffdesk.requests import selectors, services
from staffdesk.requests.downloads import attachment_response


def _access(request: HttpRequest, number: str):
    try:
        return selectors.access_request(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    item = _access(request, number)
    return render(
        request,
        "requests/detail.html",
        {
            "item": item,
            "timeline": selectors.request_timeline(user=request.user, request=item),
            "watchers": selectors.request_watchers(user=request.user, request=item),
            "allowed_transitions": services.allowed_transitions(user=request.user, request=item),
            "is_team": selectors.can_work_on(request.user, item),
        },
    )


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    item = _access(request, number)
    try:
        attachment = selectors.access_attachment(
            user=request.user, request=item, attachment_id=attachment_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return attachment_response(attachment)

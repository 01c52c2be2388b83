"""Web-side mapping of domain errors, so no view can forget it."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from staffdesk.core.errors import NotFound


class NotFoundMiddleware:
    """A `NotFound` raised by a selector or service in any web view becomes Django's 404.

    Views call `access_<thing>(user, ...)` directly; invisible and missing objects then get
    the same 404 page. (The API maps domain errors itself, to JSON.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None

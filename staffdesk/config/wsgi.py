"""WSGI entry point for any production server (gunicorn, waitress, uWSGI)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def without_head_bodies(app: WSGIApp) -> WSGIApp:
    """A HEAD response carries the headers of GET and no body.

    Django leaves that to the server; waitress (the server of `staffdesk serve`) sends
    whatever the application returns, so the body arrived after the headers and the next
    request on a keep-alive connection read it as its status line. The `Content-Length`
    stays what GET would send (RFC 9110 §9.3.2): counted here when the response did not say.
    """

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        started: list[tuple] = []
        body = app(
            environ,
            lambda status, headers, exc_info=None: started.append((status, headers, exc_info)),
        )
        status, headers, exc_info = started[0]  # Django starts the response before returning
        try:
            if not any(name.lower() == "content-length" for name, _ in headers):
                headers = [*headers, ("Content-Length", str(sum(len(chunk) for chunk in body)))]
        finally:
            if hasattr(body, "close"):
                body.close()
        start_response(status, headers, exc_info)
        return []

    return application


application = without_head_bodies(get_wsgi_application())

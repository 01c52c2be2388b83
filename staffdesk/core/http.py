"""HTTP methods: which ones a view answers, HEAD wherever GET is, and OPTIONS from the same list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

View = Callable[..., HttpResponseBase]


class HtmxHttpRequest(HttpRequest):
    """A request as `HtmxMiddleware` (installed for every request) leaves it: `request.htmx`
    says whether htmx sent it, so a view can answer with a fragment."""

    htmx: HtmxDetails


# Views of libraries that declare nothing and answer every method alike.
LIBRARY_VIEWS = {
    "django.contrib.admin": ("GET", "POST"),  # the admin's pages and forms
    "django.contrib.auth.admin": ("GET", "POST"),  # the admin's people pages
    "django.contrib.contenttypes.views": ("GET",),  # the admin's "view on site" redirect
    "ninja.openapi.views": ("GET",),  # the API's OpenAPI document and its docs page
}


def _with_implied(methods: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """GET brings HEAD (the same answer without a body) and every path answers OPTIONS."""
    implied = [*methods]
    if "GET" in implied and "HEAD" not in implied:
        implied.insert(implied.index("GET") + 1, "HEAD")
    return (*dict.fromkeys([*implied, "OPTIONS"]),)


def allow_methods(*methods: str) -> Callable[[View], View]:
    """The methods a web view answers (others are a 405 with `Allow`), recorded on the view
    so OPTIONS is answered from them without running it. Put it outermost: a method the
    view does not answer is refused before anything else, signed in or not."""
    allowed = _with_implied(methods)

    def decorate(view: View) -> View:
        # OPTIONS itself is answered by `MethodsMiddleware` before the view is called.
        guarded = require_http_methods([m for m in allowed if m != "OPTIONS"])(view)
        guarded.allowed_methods = allowed  # type: ignore[attr-defined]  # read back by _declared
        return guarded

    return decorate


def _allow_header(response: HttpResponseBase) -> tuple[str, ...]:
    return _with_implied([m.strip() for m in response.get("Allow", "").split(",") if m.strip()])


def _options(allowed: tuple[str, ...]) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(allowed)
    return response


def _declared(view: View) -> tuple[str, ...] | None:
    """The methods a view says it answers, if it says."""
    if hasattr(view, "allowed_methods"):
        return view.allowed_methods
    if hasattr(view, "view_class"):  # class-based: the methods it has a handler for
        names = view.view_class.http_method_names
        return _with_implied([m.upper() for m in names if hasattr(view.view_class, m)])
    module = getattr(getattr(view, "func", view), "__module__", "") or ""
    for prefix, methods in LIBRARY_VIEWS.items():
        if module.startswith(prefix):
            return _with_implied(methods)
    return None


class MethodsMiddleware:
    """OPTIONS answered with `Allow` wherever a path exists; HEAD wherever GET is; a method
    a view does not answer is a 405 with `Allow`.

    What a view answers comes from `allow_methods`, a class-based view's handlers or the
    table of library views above. Views that declare nothing (the REST API's and
    Open311's, which answer a method they lack with a 405 and `Allow` before any
    authentication or work) are asked once with the method itself. Servers send no body
    after a HEAD response (see `config/wsgi.py`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: View, args: tuple, kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        declared = _declared(view)
        if declared is not None:
            if request.method == "OPTIONS":
                return _options(declared)
            if request.method not in declared:
                return HttpResponseNotAllowed(declared)
            return None
        if request.method not in ("OPTIONS", "HEAD"):
            return None
        answer = view(request, *args, **kwargs)
        if answer.status_code != 405:
            return answer
        allowed = _allow_header(answer)
        if request.method == "OPTIONS":
            return _options(allowed)
        if "GET" not in allowed:
            return answer
        # The view has GET but not HEAD: answer it as GET; the server drops the body.
        request.method = "GET"
        return None

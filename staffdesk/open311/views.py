"""Open311 GeoReport v2 endpoints: parse → access → service → render, in JSON or XML by suffix."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from staffdesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from staffdesk.open311 import documents, params, selectors, services
from staffdesk.open311.auth import Caller, caller_identify, requester_of
from staffdesk.open311.render import respond

View = Callable[..., HttpResponse]


class MethodNotAllowed(DomainError):
    """Open311's endpoints each take one or two methods; the error body is the spec's."""

    status_code = 405


def _check_jurisdiction(request: HttpRequest) -> None:
    """jurisdiction_id is optional; given (non-empty), it must be ours."""
    given = params.param(request, "jurisdiction_id").strip()
    if given and given.lower() != settings.STAFFDESK_OPEN311_JURISDICTION.lower():
        raise NotFound(
            f"Unknown jurisdiction_id {given!r}; this endpoint serves "
            f"{settings.STAFFDESK_OPEN311_JURISDICTION!r}."
        )


def endpoint(*methods: str, always_open: bool = False) -> Callable[[View], View]:
    """Method, jurisdiction and api_key checks, and every domain error as the spec's error
    document in the requested format. Reads need no key unless STAFFDESK_OPEN311_REQUIRE_KEY
    (discovery never does: it says where to get one)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        # The key travels in the form or query string, never in a cookie: no CSRF to forge.
        @csrf_exempt
        @wraps(view)
        def run(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise MethodNotAllowed(f"Use {' or '.join(sorted(allowed))} here.")
                _check_jurisdiction(request)
                caller = caller_identify(params.param(request, "api_key"))
                if (
                    settings.STAFFDESK_OPEN311_REQUIRE_KEY
                    and not always_open
                    and not caller.has_key
                ):
                    raise PermissionDenied("api_key is required on this server.")
                return view(request, fmt=fmt, caller=caller, **kwargs)
            except DomainError as exc:
                response = respond(
                    documents.errors(exc),
                    fmt=fmt,
                    root="errors",
                    status=documents.error_status(exc),
                )
                if isinstance(exc, MethodNotAllowed):
                    response["Allow"] = ", ".join(sorted(allowed))
                return response

        return run

    return decorate


@endpoint("GET", always_open=True)
def discovery(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    document = documents.discovery(
        url=request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
        changeset=selectors.catalog_changeset(),
        contact=settings.STAFFDESK_OPEN311_CONTACT,
        key_service=request.build_absolute_uri(reverse("profile")),
    )
    return respond(document, fmt=fmt, root="discovery")


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    services_ = selectors.open311_service_list(user=caller.reader)
    return respond([documents.service(item) for item in services_], fmt=fmt, root="services")


@endpoint("GET")
def service_definition(
    request: HttpRequest, *, fmt: str, caller: Caller, service_code: str
) -> HttpResponse:
    service = selectors.access_open311_service(user=caller.reader, code=service_code)
    return respond(documents.definition(service), fmt=fmt, root="service_definition")


@endpoint("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    if request.method == "POST":
        return _file(request, fmt=fmt, caller=caller)
    query = params.request_query(request.GET)
    found = selectors.open311_request_list(user=caller.reader, query=query)
    document = [documents.service_request(item, extensions=query.extensions) for item in found]
    return respond(document, fmt=fmt, root="service_requests")


def _file(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    """POST requests: key (403) → form → requester → service (404) → every input error (400)."""
    requester = requester_of(caller, email=request.POST.get("email", ""))
    form = params.submission(request.POST)
    if not form.service_code:
        raise ValidationFailed("service_code is required.", errors=form.errors)
    service = selectors.access_open311_service(user=requester, code=form.service_code)
    params.check_submission(form, service=service)
    created = services.open311_request_submit(
        requester=requester,
        service=service,
        answers=form.answers,
        description=form.description,
        location=form.location,
        media_url=form.media_url,
        integration=caller.integration,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
    )
    return respond([documents.receipt(created)], fmt=fmt, root="service_requests")


@endpoint("GET")
def service_request(
    request: HttpRequest, *, fmt: str, caller: Caller, service_request_id: str
) -> HttpResponse:
    extensions = params.flag(request.GET, "extensions")
    item = selectors.access_open311_request(
        user=caller.reader, service_request_id=service_request_id, extensions=extensions
    )
    document = [documents.service_request(item, extensions=extensions)]
    return respond(document, fmt=fmt, root="service_requests")


@endpoint("GET")
def token(request: HttpRequest, *, fmt: str, caller: Caller, token: str) -> HttpResponse:
    """Services are realtime and no token is ever issued; a token is taken to be the id."""
    item = selectors.access_open311_request(user=caller.reader, service_request_id=token)
    return respond([documents.token(item)], fmt=fmt, root="service_requests")


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under the base path: the spec's 404 (JSON for a .json path, else XML)."""
    fmt = "json" if path.endswith(".json") else "xml"
    error = NotFound(
        f"No Open311 resource at {request.path!r}; see discovery.xml for the endpoints."
    )
    return respond(documents.errors(error), fmt=fmt, root="errors", status=404)

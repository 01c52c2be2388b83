"""Open311 GeoReport v2 endpoints: parse → access → service → render, in JSON or XML by suffix."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import wraps

from django.conf import settings
from django.core import signals
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from staffdesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from staffdesk.open311 import documents, params, selectors, services
from staffdesk.open311.auth import Caller, caller_identify, requester_of
from staffdesk.open311.render import respond

View = Callable[..., HttpResponse]
logger = logging.getLogger("django.request")


class MethodNotAllowed(DomainError):
    """Open311's endpoints each take one or two methods; the error body is the spec's."""

    status_code = 405


class ServerFailure(DomainError):
    """A failure of ours, told to the client in the spec's error format too."""

    status_code = 500


def _check_jurisdiction(request: HttpRequest) -> None:
    """jurisdiction_id is optional; given (non-empty), it must be ours."""
    given = params.param(request, "jurisdiction_id").strip()
    if given and given.lower() != settings.STAFFDESK_OPEN311_JURISDICTION.lower():
        raise NotFound(
            f"Unknown jurisdiction_id {given!r}; this endpoint serves "
            f"{settings.STAFFDESK_OPEN311_JURISDICTION!r}."
        )


def _error(exc: DomainError, fmt: str) -> HttpResponse:
    status = documents.error_status(exc)
    return respond(documents.errors(exc), fmt=fmt, root="errors", status=status)


def _server_error(request: HttpRequest, fmt: str) -> HttpResponse:
    """A failure of ours, still in the spec's error format (clients parse every answer),
    logged and signalled as Django does for any view."""
    logger.error("Open311 failure: %s %s", request.method, request.path, exc_info=True)
    signals.got_request_exception.send(sender=None, request=request)
    return _error(ServerFailure("Something failed on the server; it was logged. Try again."), fmt)


def endpoint(
    *methods: str,
    takes: Mapping[str, frozenset[str]] | None = None,
    always_open: bool = False,
) -> Callable[[View], View]:
    """Method, jurisdiction, api_key and parameter checks, and every error as the spec's
    error document in the requested format. `takes` lists, per method, the parameters the
    endpoint reads besides api_key and jurisdiction_id; any other is a 400 naming it.
    Reads need no key unless STAFFDESK_OPEN311_REQUIRE_KEY (discovery never does: it says
    where to get one)."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
    taken = dict(takes or {})
    if "GET" in taken:
        taken["HEAD"] = taken["GET"]

    def decorate(view: View) -> View:
        # The key travels in the form or query string, never in a cookie: no CSRF to forge.
        @csrf_exempt
        @wraps(view)
        def run(request: HttpRequest, fmt: str | None = None, **kwargs: object) -> HttpResponse:
            fmt = (fmt or "xml").lower()
            try:
                if request.method not in allowed:
                    raise MethodNotAllowed(f"Use {' or '.join(sorted(allowed))} here.")
                params.refuse_nul(request)
                _check_jurisdiction(request)
                caller = caller_identify(params.param(request, "api_key"))
                if (
                    settings.STAFFDESK_OPEN311_REQUIRE_KEY
                    and not always_open
                    and not caller.has_key
                ):
                    raise PermissionDenied("api_key is required on this server.")
                params.check_known(request, taken.get(request.method or "", frozenset()))
                return view(request, fmt=fmt, caller=caller, **kwargs)
            except MethodNotAllowed as exc:
                response = _error(exc, fmt)
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            except DomainError as exc:
                return _error(exc, fmt)
            except (SuspiciousOperation, UnreadablePostError, MultiPartParserError) as exc:
                # A body Django will not read: too large, too many fields, broken encoding.
                return _error(DomainError(f"The request could not be read: {exc}"), fmt)
            except Exception:
                return _server_error(request, fmt)

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


@endpoint("GET", "POST", takes={"GET": params.REQUEST_LIST, "POST": params.SUBMISSION})
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
    params.check_submission(form, service=service, requester=requester)
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


@endpoint("GET", takes={"GET": params.REQUEST_ONE})
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


@endpoint("GET", "POST", takes={"GET": params.UPDATE_LIST, "POST": params.UPDATE_POST})
def service_request_updates(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    """mySociety's extension, as FixMyStreet's Open311.pm reads and posts status updates."""
    if request.method == "POST":
        return _post_update(request, fmt=fmt, caller=caller)
    if not caller.has_key:
        raise PermissionDenied(
            "api_key is required to read updates: a personal API token or an integration key.",
            errors={"api_key": ["required to read updates"]},
        )
    query = params.update_query(request.GET)
    found = selectors.open311_update_list(
        user=caller.reader, integration=caller.integration, query=query
    )
    document = [documents.request_update(event) for event in found]
    return respond(document, fmt=fmt, root="service_requests_updates")


def _post_update(request: HttpRequest, *, fmt: str, caller: Caller) -> HttpResponse:
    """POST: key (403) → form (400) → request (404) → who is writing (400) → the reply."""
    if not caller.has_key:
        raise PermissionDenied(
            "api_key is required to post an update: a personal API token or an integration key.",
            errors={"api_key": ["required to post an update"]},
        )
    form = params.update_post(request.POST)
    target = selectors.access_open311_update_target(
        person=caller.person,
        integration=caller.integration,
        service_request_id=form.service_request_id,
    )
    event = services.open311_update_post(
        request=target,
        author=requester_of(caller, email=form.email),
        client_update_id=form.update_id,
        description=form.description,
        status=form.status,
        client_status=form.client_status,
        client_datetime=form.client_datetime,
        media_url=form.media_url,
        integration=caller.integration,
    )
    return respond([documents.update_receipt(event)], fmt=fmt, root="service_request_updates")


@csrf_exempt
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    """Anything else under the base path: the spec's 404 (JSON for a .json path, else XML)."""
    fmt = "json" if path.rstrip("/").lower().endswith(".json") else "xml"
    error = NotFound(
        f"No Open311 resource at {request.path!r}; see discovery.xml for the endpoints."
    )
    return respond(documents.errors(error), fmt=fmt, root="errors", status=404)

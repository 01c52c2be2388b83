"""Mappings of errors to HTTP that no view can forget: domain errors on web pages, and the
API's JSON error body for everything under /api/."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.utils.deprecation import MiddlewareMixin

from staffdesk.core.errors import NotFound

API_PREFIX = "/api/"


def is_token_call(request: HttpRequest) -> bool:
    """An API call that says who it is with a personal token (`Authorization: Bearer ...`)."""
    if not request.path.startswith(API_PREFIX):
        return False
    scheme, _, _ = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer"


class _NotForTokenCalls(MiddlewareMixin):
    """A middleware for browsers, passed by on token calls: they carry no session, and the
    API authenticates them by the token alone (a refused token is a 401, never a fall-back
    to a session cookie sent along), so their session is neither loaded nor saved."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_token_call(request):
            # The WSGI stack is synchronous: never an awaitable here.
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]


class SessionMiddleware(_NotForTokenCalls, sessions_middleware.SessionMiddleware):
    """Django's, except on token calls."""


class AuthenticationMiddleware(_NotForTokenCalls, auth_middleware.AuthenticationMiddleware):
    """Django's (`request.user` from the session), except on token calls: there the token
    check sets `request.user`."""


class MessageMiddleware(_NotForTokenCalls, messages_middleware.MessageMiddleware):
    """Django's (messages kept in the session for the next page), except on token calls."""


class NotFoundMiddleware:
    """A `NotFound` raised by a selector or service in any web view becomes Django's 404.

    Views call `access_<thing>(user, ...)` directly; invisible and missing objects then get
    the same 404 page. (The API maps domain errors itself, to JSON.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None


def _size(limit: int) -> str:
    mib, rest = divmod(limit, 1024 * 1024)
    return f"{mib} MiB" if mib and not rest else f"{limit:,} bytes"


def too_large_message() -> str:
    return (
        f"The request body is too large: the limit is {_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}"
        " (files go as multipart uploads, with their own limit)."
    )


def too_many_files_message() -> str:
    return (
        f"Too many files: the server reads at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} in one"
        f" body, and a message takes {settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE}."
    )


def _message(request: HttpRequest, response: HttpResponseBase) -> str:
    status = response.status_code
    if status == 404:
        return f"There is no API operation at {request.path}."
    if status == 405:
        return f"{request.method} is not allowed on {request.path}; allowed: {response['Allow']}."
    return f"{HTTPStatus(status).phrase}." if status in HTTPStatus._value2member_map_ else "Error."


def api_error(status: int, message: str) -> JsonResponse:
    """The API's error body (`core.api.ErrorOut`) for an error no API operation answered."""
    return JsonResponse({"message": message, "errors": {}}, status=status)


class ApiErrorsMiddleware:
    """Under /api/, every error is the API's JSON body, whoever answered it.

    The operations answer their own errors in that shape (`core.api.install_error_handlers`);
    this covers what comes before or around them: an unknown path (Django's 404 page), a
    method a path does not take (Ninja's and `MethodsMiddleware`'s 405), a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises `RequestDataTooBig` when the body is first
    read; here it is a 413 naming the limit), more files than DATA_UPLOAD_MAX_NUMBER_FILES
    (`TooManyFilesSent`, likewise) and any other error page. Web pages are left
    as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        answer = api_error(response.status_code, _message(request, response))
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer

    def process_exception(self, request: HttpRequest, exception: Exception) -> JsonResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return api_error(413, too_large_message())
        if isinstance(exception, TooManyFilesSent):
            return api_error(413, too_many_files_message())
        return None

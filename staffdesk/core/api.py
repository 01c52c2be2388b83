"""What every API adapter shares: the error body and the mapping of errors to HTTP."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, ConfigDict

from staffdesk.core.errors import DomainError
from staffdesk.core.types import PageSize, String


class CredentialRefused(AuthenticationError):
    """A credential was sent and is not valid: a 401 whose message says why (rather than
    asking for one, as when nothing was sent)."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


class ReadOut(BaseModel):
    """A response shape that pydantic reads straight from the object's attributes.

    Ninja's `Schema` wraps every object it validates in a `DjangoGetter` (dotted aliases
    through Django's template `Variable`, managers turned into lists): a page of 50 requests
    took 5.2 ms to validate that way and 0.5 ms this way, the same JSON. Shapes of lists and
    request pages use this base: a path is an `AliasPath`, and a to-many value must arrive
    as a list (or be listed by the shape's own validator).
    """

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Schema):
    """The body of every error: a sentence for people and per-field messages for programs."""

    message: str
    errors: dict[str, list[str]] = {}


class PageIn(Schema):
    """Which page of a list: `cursor` is the `next_cursor` of the page before (none: the first)."""

    cursor: String = ""
    limit: PageSize = 50


class SearchIn(Schema):
    """`q` searches the names and words of a list; `department` narrows it to one, by code."""

    q: String = ""
    department: String = ""


FRIENDLY = {
    "extra_forbidden": "this field cannot be set here",
    "missing": "this field is required",
}


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location]
    # Drop the transport part of the location ("body", "query") and the parameter name Ninja
    # wraps a body schema in, so callers see the field they sent.
    if parts and parts[0] in {"body", "query", "path", "header", "form", "file", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = FRIENDLY.get(error.get("type", ""), str(error.get("msg", "invalid")))
        errors.setdefault(_field_path(error.get("loc", ())), []).append(message)
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest,
        status: int,
        message: str,
        errors: dict[str, list[str]] | None = None,
    ) -> HttpResponse:
        return api.create_response(
            request, {"message": message, "errors": errors or {}}, status=status
        )

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status_code, exc.message, exc.errors)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, str(exc) or "Not found.")

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        fields = ", ".join(f"{field} ({msgs[0]})" for field, msgs in errors.items())
        return respond(request, 422, f"Invalid input: {fields}.", errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if isinstance(exc, CredentialRefused):
            response = respond(request, 401, str(exc))
            response["WWW-Authenticate"] = 'Bearer realm="staffdesk", error="invalid_token"'
            return response
        response = respond(
            request,
            401,
            "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="staffdesk"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if message.startswith("Cannot parse request body"):
            message = "The request body is not valid JSON."
        return respond(request, exc.status_code, message)

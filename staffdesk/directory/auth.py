"""How API callers prove who they are: a personal token, a browser session, or (to mint a token) a password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from staffdesk.core.api import CredentialRefused
from staffdesk.directory.services import api_token_authenticate

REFUSED_CREDENTIAL = (
    "The token is not valid: it is unknown, revoked, or its owner's account is deactivated."
    " Create a new one under your profile, or with POST /api/v1/me/tokens."
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sdk_...` with a personal API token.

    A call that sends a token is judged by it alone: a refused token is a 401 saying so,
    whatever session cookie comes along (the session middleware pass such calls by).
    """

    def __call__(self, request: HttpRequest) -> Any:
        # The header straight from META: `request.headers` builds a dict of every header.
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        person = api_token_authenticate(secret=token)
        if person is None:
            raise CredentialRefused(REFUSED_CREDENTIAL)
        request.user = person
        return person


class SessionAuth(AuthBase):
    """The signed-in browser session; unsafe methods must carry the CSRF token."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."
            )
        return user


class PasswordAuth(HttpBasicAuth):
    """HTTP Basic with the person's password: accepted only to create a token."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        person = authenticate(request, username=username, password=password)
        if person is not None:
            request.user = person
        return person


API_AUTH = [TokenAuth(), SessionAuth()]
TOKEN_CREATION_AUTH = [TokenAuth(), SessionAuth(), PasswordAuth()]

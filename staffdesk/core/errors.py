"""Domain errors: raised by services and selectors, mapped to HTTP once per adapter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class DomainError(Exception):
    """Base class of every error a user can cause; carries a message meant for that user."""

    status_code = 400

    def __init__(self, message: str, *, errors: Mapping[str, Iterable[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class NotFound(DomainError):
    """The object does not exist or the user may not see it (the two are never told apart)."""

    status_code = 404


class ValidationFailed(DomainError):
    """Input was understood but is not acceptable; `errors` names each bad field."""

    status_code = 422


class PermissionDenied(DomainError):
    """The user can see the object but may not perform this action on it."""

    status_code = 403


class Conflict(DomainError):
    """The request contradicts the current state (e.g. an idempotency key reused with another body)."""

    status_code = 409

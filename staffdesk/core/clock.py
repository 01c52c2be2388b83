"""The one source of "now": code that depends on time takes `now` and falls back to this."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def resolve(value: datetime | None) -> datetime:
    """Return `value` when given (aware UTC expected), else the current time."""
    if value is None:
        return now()
    if timezone.is_naive(value):
        raise ValueError("naive datetime given where an aware one is required")
    return value

"""The registry of notification kinds: apps above register theirs, so this app knows none of them.

Preferences are kept per registered kind; the profile page lists them in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from staffdesk.notifications.models import Notification

# Called by the email channel as it sends a notification of the kind, for text that exists
# only in the mail: a one-use link whose secret must never be stored (the outbox row keeps
# only what the in-app notification shows). It may write (a new secret's hash each attempt).
MailAddition = Callable[["Notification"], str]


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its code (stored on each notification) and a label for people."""

    code: str
    label: str
    optional: bool = True  # False: always mailed (a password reset link), not a preference
    mail_addition: MailAddition | None = None


_KINDS: dict[str, Kind] = {}


def register(
    code: str, label: str, *, optional: bool = True, mail_addition: MailAddition | None = None
) -> Kind:
    """Register a kind; registering the same code again replaces its label (apps may reload)."""
    if not code or len(code) > 40:
        raise ValueError(f"a notification kind code has 1 to 40 characters: {code!r}")
    kind = Kind(code=code, label=label, optional=optional, mail_addition=mail_addition)
    _KINDS[code] = kind
    return kind


def all_kinds() -> list[Kind]:
    return list(_KINDS.values())


def optional_kinds() -> list[Kind]:
    """The kinds a person may choose not to get by email (the profile's preferences)."""
    return [kind for kind in _KINDS.values() if kind.optional]


def is_optional(code: str) -> bool:
    kind = _KINDS.get(code)
    return kind is not None and kind.optional


def is_registered(code: str) -> bool:
    return code in _KINDS


def mail_addition(notification: Notification) -> str:
    """The mail-only text of `notification`'s kind (see `MailAddition`), or ""."""
    kind = _KINDS.get(notification.kind)
    if kind is None or kind.mail_addition is None:
        return ""
    return kind.mail_addition(notification)

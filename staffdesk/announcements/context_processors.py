"""The banner of announcements to acknowledge, on every page (until acknowledged)."""

from __future__ import annotations

from django.http import HttpRequest

from staffdesk.announcements.selectors import pending_acknowledgements


def acknowledgement_banner(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that renders no template (a redirect, a file) reads nothing.
    return {"pending_announcements": lambda: pending_acknowledgements(user=user)}

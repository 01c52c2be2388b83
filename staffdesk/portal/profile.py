"""My profile: away status and delegate, personal API tokens, and which notifications I get by email.

It gathers the directory and notifications apps, so it lives in portal, above both. Each section
is a form of its own; with htmx the section alone is sent back and swapped in place.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.http import allow_methods
from staffdesk.core.ids import parse_id
from staffdesk.directory import selectors as directory_selectors
from staffdesk.directory import services as directory_services
from staffdesk.directory.models import Person
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.notifications.kinds import optional_kinds
from staffdesk.notifications.selectors import notification_preferences
from staffdesk.notifications.services import notification_preferences_set
from staffdesk.portal.forms import TokenForm
from staffdesk.requests.forms import parse

SECTIONS = {
    "away": "portal/partials/profile_away.html",
    "tokens": "portal/partials/profile_tokens.html",
    "preferences": "portal/partials/profile_preferences.html",
}


def _context(
    request: AuthenticatedHttpRequest, section: str = "", **state: object
) -> dict[str, object]:
    """Everything the page shows; `state` (submitted values, errors, messages) is `section`'s."""
    user = request.user
    return {
        "colleagues": directory_selectors.colleague_list(user=user),
        "tokens": directory_selectors.api_token_list(user=user),
        "preferences": notification_preferences(user=user),
        "away_until": user.away_until.isoformat() if user.away_until else "",
        "delegate_id": str(user.delegate_id or ""),
        "token_name": "",
        "errors": {},
        "section": section,
        **state,
    }


def _respond(request: AuthenticatedHttpRequest, section: str, **state: object) -> HttpResponse:
    """The section alone for htmx, else the whole page showing it (errors, a new token)."""
    template = SECTIONS[section] if request.htmx else "portal/profile.html"
    return render(request, template, _context(request, section, **state))


def _saved(request: AuthenticatedHttpRequest, section: str, text: str) -> HttpResponse:
    if request.htmx:
        return _respond(request, section, saved=text)
    messages.success(request, text)
    return redirect(f"{reverse('profile')}#{section}")


def _parse_away(values: dict[str, str]) -> tuple[date | None, int | None]:
    errors: dict[str, list[str]] = {}
    away_until = delegate_id = None
    try:
        away_until = date.fromisoformat(values["away_until"]) if values["away_until"] else None
    except ValueError:
        errors["away_until"] = ["enter a date such as 2030-01-31"]
    if values["delegate_id"]:
        delegate_id = parse_id(values["delegate_id"])
        if delegate_id is None:
            errors["delegate"] = ["choose a colleague from the list"]
    if errors:
        raise ValidationFailed("Check the highlighted fields.", errors=errors)
    return away_until, delegate_id


def _access_delegate(user: Person, delegate_id: int | None) -> Person | None:
    if delegate_id is None:
        return None
    try:
        return directory_selectors.access_colleague(user=user, person_id=delegate_id)
    except NotFound as exc:
        raise ValidationFailed(
            "Your delegate must be an active colleague of your department or team.",
            errors={"delegate": ["choose a colleague from the list"]},
        ) from exc


@allow_methods("GET")
@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "portal/profile.html", _context(request))


@allow_methods("POST")
@login_required
def away_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    values = {
        "away_until": request.POST.get("away_until", "").strip(),
        "delegate_id": request.POST.get("delegate", "").strip(),
    }
    try:
        away_until, delegate_id = _parse_away(values)
        delegate = _access_delegate(request.user, delegate_id)
        directory_services.person_set_away(
            person=request.user, away_until=away_until, delegate=delegate
        )
    except ValidationFailed as exc:
        return _respond(request, "away", **values, errors=exc.errors, message=exc.message)
    return _saved(request, "away", "Your away status is saved.")


@allow_methods("POST")
@never_cache
@login_required
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The secret goes into this response only: never into a message, a session or a redirect."""
    name = request.POST.get("name", "")
    try:
        cleaned = parse(TokenForm, request.POST)["name"]
        token, secret = directory_services.api_token_create(person=request.user, name=cleaned)
    except ValidationFailed as exc:
        return _respond(request, "tokens", token_name=name, errors=exc.errors, message=exc.message)
    return _respond(request, "tokens", created_token=token, secret=secret)


@allow_methods("POST")
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = directory_services.api_token_revoke(person=request.user, token_id=token_id)
    return _saved(
        request, "tokens", f"Token “{token.name}” revoked: programs using it are refused."
    )


@allow_methods("POST")
@login_required
def preferences_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    wanted = set(request.POST.getlist("email"))
    notification_preferences_set(
        person=request.user,
        email_by_kind={kind.code: kind.code in wanted for kind in optional_kinds()},
    )
    return _saved(request, "preferences", "Your email choices are saved.")

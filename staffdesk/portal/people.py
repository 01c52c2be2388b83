"""Suggestions for a person question of a request form, from the directory's people search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from staffdesk.core.http import allow_methods
from staffdesk.directory.selectors import person_list
from staffdesk.directory.types import AuthenticatedHttpRequest

SUGGESTIONS = 10
SHORTEST_QUERY = 2


@allow_methods("GET")
@login_required
def people_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """`<option>`s of the active people matching the typed text, for the input's datalist.

    htmx sends the text under the input's own name, which `input` names; the value of each
    option is a username, which the answers validation reads as well as a typed one.
    """
    text = request.GET.get(request.GET.get("input", "q"), "").strip()[:150]
    people = (
        person_list(user=request.user, query=text).filter(is_active=True)[:SUGGESTIONS]
        if len(text) >= SHORTEST_QUERY
        else []
    )
    return render(request, "portal/partials/people_options.html", {"people": people})

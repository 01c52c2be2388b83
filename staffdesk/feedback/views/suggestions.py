"""The suggestion box's pages: the list, the form (with similar suggestions while typing),
a suggestion's page and every action on it, and the anonymous author's private page.

Every action is a plain POST form answered with a redirect and a message; a refused one
writes nothing and shows the page again with the reason, under the domain error's status.
An anonymous submission is answered with its confirmation page itself (no redirect, no
message kept in the session): the private link is on it, once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from staffdesk.catalog.models import Service
from staffdesk.core.errors import DomainError, NotFound
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.core.markdown import render as markdown
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import department_list
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.feedback import forms
from staffdesk.feedback.models import HelpAnswer, Suggestion, SuggestionStatus
from staffdesk.feedback.models.suggestions import MAX_BODY, MAX_TITLE
from staffdesk.feedback.selectors import suggestions as selectors
from staffdesk.feedback.services import suggestions as writes

Status = SuggestionStatus


def _departments(request: AuthenticatedHttpRequest) -> list[Department]:
    return list(department_list(user=request.user).order_by("name"))


@allow_methods("GET")
@login_required
def suggestion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    values = forms.filters_of(forms.ListFilterForm(request.GET))
    filters = selectors.SuggestionFilters(
        query=values.get("q", ""),
        department_id=values.get("department"),
        status=values.get("status", ""),
    )
    sort = values.get("sort", "newest")
    try:
        page = selectors.suggestion_page(
            user=request.user, filters=filters, sort=sort, cursor=values.get("cursor")
        )
    except DomainError:  # a stale cursor: the first page
        page = selectors.suggestion_page(user=request.user, filters=filters, sort=sort)
    query = request.GET.copy()
    query["cursor"] = page.next_cursor or ""
    return render(
        request,
        "feedback/suggestions.html",
        {
            "items": page.items,
            "next_url": f"?{query.urlencode()}" if page.next_cursor else "",
            "values": values,
            "sort": sort,
            "departments": _departments(request),
            "statuses": [("open", "Open"), *Status.choices],
            "answers_any": bool(selectors.queue_departments(user=request.user)),
        },
    )


def _form(
    request: AuthenticatedHttpRequest, *, error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    services: list[Service] = list(
        Service.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("department")
        .order_by("department__name", "name")
    )
    return render(
        request,
        "feedback/suggestion_form.html",
        {
            "departments": _departments(request),
            "services": services,
            "error": error,
            "errors": error.errors if error else {},
            "values": request.POST,
            "title_max": MAX_TITLE,
            "body_max": MAX_BODY,
        },
        status=error.status_code if error else status,
    )


@never_cache
@allow_methods("GET", "POST")
@login_required
def suggestion_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request)
    try:
        values = parse(forms.SuggestionForm, request.POST)
        department = _visible_department(request, values["department"])
        service = _visible_service(request, values["service"])
        submitted = writes.suggestion_submit(
            author=request.user,
            title=values["title"] or "",
            body=values["body"] or "",
            department=department,
            service=service,
            anonymous=values["anonymous"],
        )
    except DomainError as exc:
        return _form(request, error=exc)
    suggestion = submitted.suggestion
    if not submitted.follow_secret:
        messages.success(request, "Thank you: your suggestion is sent, and you follow it.")
        return redirect("feedback:suggestion", suggestion.pk)
    link = reverse("feedback:suggestion-private", args=[submitted.follow_secret])
    return render(
        request,
        "feedback/suggestion_submitted.html",
        {"item": suggestion, "follow_url": request.build_absolute_uri(link)},
        status=201,
    )


def _visible_department(request: AuthenticatedHttpRequest, pk: int | None) -> Department | None:
    if pk is None:
        return None
    found = department_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No department {pk}.")
    return found


def _visible_service(request: AuthenticatedHttpRequest, pk: int | None) -> Service | None:
    if pk is None:
        return None
    found = Service.objects.visible_to(request.user).filter(pk=pk, is_active=True).first()
    if found is None:
        raise NotFound(f"No service {pk}.")
    return found


@allow_methods("GET")
@login_required
def suggestion_similar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The suggestions like what is being typed (an htmx fragment of the form)."""
    values = forms.filters_of(forms.SimilarForm(request.GET))
    text = f"{values.get('title', '')} {values.get('body', '')[:500]}"
    found = selectors.similar_suggestions(user=request.user, text=text) if text.strip() else []
    return render(
        request, "feedback/partials/similar.html", {"similar": found, "typed": bool(text.strip())}
    )


def _access(request: AuthenticatedHttpRequest, suggestion_id: int) -> Suggestion:
    return selectors.access_suggestion(user=request.user, suggestion_id=suggestion_id)


@allow_methods("GET")
@login_required
def suggestion_detail(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    return _detail(request, _access(request, suggestion_id))


def _detail(
    request: AuthenticatedHttpRequest,
    suggestion: Suggestion,
    *,
    error: DomainError | None = None,
    failed: str = "",
) -> HttpResponse:
    user = request.user
    responses = selectors.response_list(user=user, suggestion=suggestion)
    for response in responses:
        response.body_html = markdown(response.body)  # type: ignore[attr-defined]
    team = selectors.may_answer(user, suggestion)
    context = {
        "item": suggestion,
        "body_html": markdown(suggestion.body),
        "marks": selectors.my_marks(user=user, suggestion=suggestion),
        "responses": responses,
        "comments": selectors.comment_list(user=user, suggestion=suggestion),
        "merged": selectors.merged_list(user=user, suggestion=suggestion),
        "help": selectors.help_counts([suggestion.pk])[suggestion.pk],
        "help_answers": HelpAnswer.Answer.choices,
        "team": team,
        "next_statuses": [(s, Status(s).label) for s in selectors.next_statuses(suggestion.status)],
        "overdue": suggestion.is_overdue(),
        "votes_open": suggestion.status in selectors.OPEN_STATUSES,
        "error": error,
        "failed": failed,
        "errors": error.errors if error else {},
        "values": request.POST,
    }
    return render(
        request, "feedback/suggestion.html", context, status=error.status_code if error else 200
    )


def _act(
    request: AuthenticatedHttpRequest,
    suggestion_id: int,
    name: str,
    action: Callable[[Suggestion], str],
) -> HttpResponse:
    """Run one action of the suggestion's page: back to the page with its message, or the
    page again with the reason (nothing written)."""
    suggestion = _access(request, suggestion_id)
    try:
        message = action(suggestion)
    except DomainError as exc:
        return _detail(request, _access(request, suggestion_id), error=exc, failed=name)
    messages.success(request, message)
    return redirect("feedback:suggestion", suggestion_id)


@allow_methods("POST")
@login_required
def suggestion_vote(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def vote(suggestion: Suggestion) -> str:
        writes.suggestion_vote(suggestion=suggestion, person=request.user)
        return "Your vote is counted; you will hear of its changes."

    return _act(request, suggestion_id, "vote", vote)


@allow_methods("POST")
@login_required
def suggestion_unvote(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def unvote(suggestion: Suggestion) -> str:
        writes.suggestion_unvote(suggestion=suggestion, person=request.user)
        return "Your vote is withdrawn."

    return _act(request, suggestion_id, "vote", unvote)


@allow_methods("POST")
@login_required
def suggestion_follow(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def follow(suggestion: Suggestion) -> str:
        writes.suggestion_follow(suggestion=suggestion, person=request.user)
        return "You follow this suggestion: you will hear of its changes."

    return _act(request, suggestion_id, "follow", follow)


@allow_methods("POST")
@login_required
def suggestion_unfollow(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def unfollow(suggestion: Suggestion) -> str:
        writes.suggestion_unfollow(suggestion=suggestion, person=request.user)
        return "You no longer follow this suggestion."

    return _act(request, suggestion_id, "follow", unfollow)


@allow_methods("POST")
@login_required
def suggestion_comment(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def comment(suggestion: Suggestion) -> str:
        body = parse(forms.CommentForm, request.POST)["body"] or ""
        writes.suggestion_comment(suggestion=suggestion, author=request.user, body=body)
        return "Comment posted."

    return _act(request, suggestion_id, "comment", comment)


@allow_methods("POST")
@login_required
def suggestion_respond(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def respond(suggestion: Suggestion) -> str:
        values = parse(forms.RespondForm, request.POST)
        publish = values["publish"] == "publish"
        writes.suggestion_respond(
            suggestion=suggestion,
            actor=request.user,
            body=values["body"] or "",
            status=values["status"],
            what_changed=values["what_changed"] or "",
            publish=publish,
        )
        if publish:
            return "Response published; its followers are told."
        return "Draft saved: only your team sees it until it is published."

    return _act(request, suggestion_id, "respond", respond)


@allow_methods("POST")
@login_required
def suggestion_merge(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def merge(suggestion: Suggestion) -> str:
        into = _access(request, parse(forms.MergeForm, request.POST)["into"])
        writes.suggestion_merge(suggestion=suggestion, into=into, actor=request.user)
        return f"Merged into “{into.title}”: its votes count there now."

    return _act(request, suggestion_id, "merge", merge)


@allow_methods("POST")
@login_required
def suggestion_unmerge(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def unmerge(suggestion: Suggestion) -> str:
        writes.suggestion_unmerge(suggestion=suggestion, actor=request.user)
        return "No longer merged: it counts its own votes again."

    return _act(request, suggestion_id, "merge", unmerge)


@allow_methods("POST")
@login_required
def suggestion_restrict(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def restrict(suggestion: Suggestion) -> str:
        restricted = parse(forms.RestrictForm, request.POST)["restricted"]
        writes.suggestion_restrict(suggestion=suggestion, actor=request.user, restricted=restricted)
        if restricted:
            return "Now visible to your department's team and its author only."
        return "Visible to everyone again."

    return _act(request, suggestion_id, "restrict", restrict)


@allow_methods("POST")
@login_required
def suggestion_help(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    def answer(suggestion: Suggestion) -> str:
        value = parse(forms.HelpForm, request.POST)["answer"]
        writes.suggestion_help_answer(suggestion=suggestion, person=request.user, answer=value)
        return "Thank you for answering."

    return _act(request, suggestion_id, "help", answer)


# --- The anonymous author's private page ---------------------------------------------------


PRIVATE_NOTES = {
    "comment": "Comment posted, as the author (anonymous).",
    "help": "Thank you for answering.",
}


def _unlogged(response: HttpResponse) -> HttpResponse:
    """Keep Django's request log from writing this answer's path (it holds the secret of
    the private link) and the request it came with, as it does for a 4xx."""
    response._has_been_logged = True  # type: ignore[attr-defined]  # read by django.utils.log
    return response


@never_cache
@allow_methods("GET", "POST")
def suggestion_private(request: HttpRequest, secret: str) -> HttpResponse:
    """What the private follow link opens: the suggestion, its responses and comments; its
    author comments and answers "did it help?" here, as "the author (anonymous)".

    Whoever holds the link is its author, once signed in. The sign-in page is not told to
    come back here: its `next` address would carry the link, and the records of failed
    sign-ins keep it with the username; the author opens the link again once signed in."""
    if not request.user.is_authenticated:
        return _unlogged(redirect_to_login(reverse("feedback:suggestions")))
    try:
        seen = selectors.private_view(secret=secret)
    except NotFound:
        return _unlogged(render(request, "404.html", status=404))
    if request.method == "GET":
        note = PRIVATE_NOTES.get(request.GET.get("posted", ""), "")
        return _unlogged(_private(request, seen, note=note))
    try:
        action = parse(forms.PrivateActionForm, request.POST)["action"]
        if action == "comment":
            body = parse(forms.CommentForm, request.POST)["body"] or ""
            writes.suggestion_comment(
                suggestion=seen.suggestion, author=None, by_anonymous_author=True, body=body
            )
        else:
            answer = parse(forms.HelpForm, request.POST)["answer"]
            writes.suggestion_help_answer(
                suggestion=seen.suggestion, by_anonymous_author=True, answer=answer
            )
    except DomainError as exc:
        return _unlogged(_private(request, seen, error=exc))
    # Said by the page itself: a message kept in the session would tie it to the link.
    return redirect(f"{request.path}?posted={action}")


def _private(
    request: HttpRequest,
    seen: selectors.PrivateView,
    *,
    error: DomainError | None = None,
    note: str = "",
) -> HttpResponse:
    for response in seen.responses:
        response.body_html = markdown(response.body)  # type: ignore[attr-defined]
    context = {
        "seen": seen,
        "item": seen.suggestion,
        "body_html": markdown(seen.suggestion.body),
        "help_answers": HelpAnswer.Answer.choices,
        "error": error,
        "errors": error.errors if error else {},
        "values": request.POST,
        "note": note,
    }
    status = error.status_code if error else 200
    return render(request, "feedback/suggestion_private.html", context, status=status)

"""Survey pages: my open surveys, one survey (signed in), the mail link's page (no sign-in:
its secret vouches), the team's ratings list, and following up a rating from the request page.

Opening a mail link records nothing (mail scanners follow every link): only its form's POST
rates. A refused rating writes nothing and shows the form again with the reason, under the
domain error's status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from staffdesk.core import clock
from staffdesk.core.errors import DomainError, ValidationFailed
from staffdesk.core.forms import parse
from staffdesk.core.http import allow_methods
from staffdesk.core.pagination import paginate_by_id
from staffdesk.directory.types import AuthenticatedHttpRequest, Viewer
from staffdesk.feedback.models import Rating, Survey
from staffdesk.feedback.selectors import surveys as selectors
from staffdesk.feedback.services import surveys as services
from staffdesk.feedback.thanks import thanks_section
from staffdesk.feedback.views.survey_forms import FollowUpForm, RatingFilterForm, RatingForm
from staffdesk.requests.models import Request
from staffdesk.requests.views.detail import act_on_request

RATINGS_PAGE = 25
# The five answers as the form lists them, the best first.
CHOICES = [(value, label) for value, label in reversed(Rating.choices)]


@allow_methods("GET")
@login_required
def survey_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Rate your resolved requests": my surveys still open, the unanswered first."""
    surveys = list(selectors.my_open_surveys(user=request.user)[:100])
    return render(request, "feedback/surveys.html", {"surveys": surveys})


@allow_methods("GET", "POST")
@login_required
def survey_detail(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    """The survey page: its person rates, or changes the rating until it closes. Posted from
    the request page's panel (`back=request`), it answers as the request page does."""
    survey = selectors.access_survey(user=request.user, survey_id=survey_id)
    if request.method != "POST":
        return _survey_page(request, survey)

    def rate(_: Request | None = None) -> str:
        posted = parse(RatingForm, request.POST)
        services.survey_rate(
            survey=survey, person=request.user, rating=posted["rating"], comment=posted["comment"]
        )
        return "Thank you: your rating is recorded. You can change it until the survey closes."

    if request.POST.get("back") == "request":
        return act_on_request(request, survey.request.number, "rate", rate)
    try:
        messages.success(request, rate())
    except DomainError as exc:
        return _survey_page(request, survey, error=exc)
    return redirect("feedback:survey", survey.pk)


def _survey_page(
    request: AuthenticatedHttpRequest, survey: Survey, *, error: DomainError | None = None
) -> HttpResponse:
    now = clock.now()
    context = {
        **_form_context(request, survey, error=error, selected=survey.rating),
        "mine": survey.person_id == request.user.pk,
        "closed_reason": selectors.survey_closed_reason(survey) if survey.is_closed(now) else "",
    }
    return render(
        request, "feedback/survey.html", context, status=error.status_code if error else 200
    )


def _form_context(
    request: HttpRequest, survey: Survey, *, error: DomainError | None, selected: object
) -> dict[str, Any]:
    """What the rating form shows: the choice (what was posted, else `selected`) and the
    comment, the error, and the section that ends the page."""
    posted: QueryDict | dict[str, str] = request.POST if error else {}
    chosen = posted.get("rating") if error else selected
    return {
        "survey": survey,
        "choices": CHOICES,
        "selected": str(chosen) if chosen is not None else "",
        "comment": posted.get("comment", "") if error else survey.comment,
        "comment_max": services.COMMENT_MAX,
        "error": error,
        "errors": error.errors if error else {},
        "thanks": thanks_section(survey=survey, viewer=_viewer(request)),
    }


def _viewer(request: HttpRequest) -> Viewer:
    return request.user


@never_cache
@allow_methods("GET", "POST")
def survey_token(request: HttpRequest, token: str) -> HttpResponse:
    """The mail link's page. GET shows the survey with the link's choice selected and
    records nothing; POST rates, once."""
    match = selectors.survey_by_token(secret=token)
    survey, now = match.survey, clock.now()
    if match.used:
        return render(request, "feedback/survey_link_used.html", {"survey": survey}, status=409)
    if survey.is_closed(now):
        context = {"survey": survey, "reason": selectors.survey_closed_reason(survey)}
        return render(request, "feedback/survey_closed.html", context, status=410)
    if request.method != "POST":
        return _token_page(request, survey, selected=request.GET.get("rating"))
    try:
        posted = parse(RatingForm, request.POST)
        survey = services.survey_rate_by_token(
            secret=token, rating=posted["rating"], comment=posted["comment"]
        )
    except DomainError as exc:
        return _token_page(request, survey, error=exc)
    context = {"survey": survey, "thanks": thanks_section(survey=survey, viewer=_viewer(request))}
    return render(request, "feedback/survey_thanks.html", context)


def _token_page(
    request: HttpRequest,
    survey: Survey,
    *,
    selected: str | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    choice = selected if selected in {str(value) for value in Rating.values} else None
    context = _form_context(request, survey, error=error, selected=choice)
    return render(
        request, "feedback/survey_link.html", context, status=error.status_code if error else 200
    )


@allow_methods("GET")
@login_required
def ratings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The providing team's ratings: filter by rating, service, agent and period."""
    user = request.user
    if not selectors.may_see_ratings(user):
        return render(request, "feedback/ratings.html", {"forbidden": True}, status=403)
    form = RatingFilterForm(
        request.GET,
        services=[
            (s.code, f"{s.department.name}: {s.name}") for s in selectors.rating_services(user=user)
        ],
        agents=[(p.pk, p.display_name) for p in selectors.rating_agents(user=user)],
    )
    context: dict[str, Any] = {"form": form}
    try:
        found = selectors.rating_list(user=user, filters=form.to_filters())
        context |= _page_of(request, found)
    except ValidationFailed as exc:
        context |= {"error": exc, "page": None}
    status = context["error"].status_code if context.get("error") else 200
    return render(request, "feedback/ratings.html", context, status=status)


def _page_of(request: AuthenticatedHttpRequest, found: Any) -> dict[str, Any]:
    """One page of the list; a stale cursor falls back to the first page, saying so."""
    cursor = request.GET.get("cursor") or None
    notice = ""
    try:
        page = paginate_by_id(found, cursor=cursor, limit=RATINGS_PAGE)
    except ValidationFailed as exc:
        page, notice, cursor = (
            paginate_by_id(found, cursor=None, limit=RATINGS_PAGE),
            exc.message,
            None,
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    next_url = ""
    if page.next_cursor:
        query["cursor"] = page.next_cursor
        next_url = f"{request.path}?{query.urlencode()}"
    first = request.GET.copy()
    first.pop("cursor", None)
    first_url = f"{request.path}?{first.urlencode()}" if cursor else ""
    return {"page": page, "page_notice": notice, "next_url": next_url, "first_url": first_url}


@allow_methods("POST")
@login_required
def survey_follow_up(request: AuthenticatedHttpRequest, survey_id: int) -> HttpResponse:
    """The team's follow-up of a rating, from the request page's panel."""
    survey = selectors.access_survey(user=request.user, survey_id=survey_id)

    def follow_up(item: Request) -> str:
        posted = parse(FollowUpForm, request.POST)
        services.survey_follow_up(
            survey=survey, actor=request.user, note=posted["note"], reply=posted["reply"]
        )
        sent = " and the reply sent" if posted["reply"].strip() else ""
        return f"Followed up: the internal note is on the timeline{sent}."

    return act_on_request(request, survey.request.number, "follow_up", follow_up)

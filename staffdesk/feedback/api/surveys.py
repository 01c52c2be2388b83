"""REST API of satisfaction surveys: mine and my teams', rating one, the team's ratings list
and following a rating up."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from staffdesk.core.pagination import paginate_by_id
from staffdesk.core.types import Id
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.feedback.api.survey_schemas import (
    FollowUpIn,
    RatingIn,
    RatingListIn,
    SurveyListIn,
    SurveyOut,
    SurveyPageOut,
)
from staffdesk.feedback.models import Rating, Survey
from staffdesk.feedback.selectors import surveys as selectors
from staffdesk.feedback.services import surveys as services

router = Router(tags=["surveys"])


def _out(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "request": survey.request.number,
        "request_subject": survey.request.subject,
        "person": survey.person.username,
        "department": survey.department.code,
        "service": survey.service.code,
        "agent": survey.agent.username if survey.agent else None,
        "confidential": survey.confidential,
        "status": survey.status,
        "resolved_at": survey.resolved_at,
        "due_at": survey.due_at,
        "opened_at": survey.opened_at,
        "closes_at": survey.closes_at,
        "mailed": survey.mailed,
        "rating": survey.rating,
        "rating_label": Rating(survey.rating).label if survey.rating else None,
        "comment": survey.comment,
        "rated_at": survey.rated_at,
        "followed_up_at": survey.followed_up_at,
        "followed_up_by": survey.followed_up_by.username if survey.followed_up_by else None,
    }


@router.get("/surveys", response=SurveyPageOut, summary="Surveys I may see: mine and my teams'")
def survey_list(request: AuthenticatedHttpRequest, query: Query[SurveyListIn]) -> dict[str, Any]:
    found = selectors.survey_list(user=request.user)
    if query.mine:
        found = found.filter(person_id=request.user.pk)
    page = paginate_by_id(found, cursor=query.cursor or None, limit=query.limit)
    return {"items": [_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.get("/surveys/{survey_id}", response=SurveyOut, summary="One survey")
def survey_detail(request: AuthenticatedHttpRequest, survey_id: Id) -> dict[str, Any]:
    return _out(selectors.access_survey(user=request.user, survey_id=survey_id))


@router.post(
    "/surveys/{survey_id}/rating",
    response=SurveyOut,
    summary="Rate my survey, or change the rating until it closes",
)
def survey_rate(
    request: AuthenticatedHttpRequest, survey_id: Id, payload: RatingIn
) -> dict[str, Any]:
    """Only the person asked (403 for the team); 409 once the survey is closed or withdrawn."""
    survey = selectors.access_survey(user=request.user, survey_id=survey_id)
    rated = services.survey_rate(
        survey=survey, person=request.user, rating=payload.rating, comment=payload.comment
    )
    return _out(rated)


@router.get(
    "/ratings", response=SurveyPageOut, summary="My teams' ratings (organization admins: all)"
)
def rating_list(request: AuthenticatedHttpRequest, query: Query[RatingListIn]) -> dict[str, Any]:
    """403 for someone on no team; newest first."""
    filters = selectors.RatingFilters(
        rating=query.rating,
        service=query.service,
        agent=query.agent,
        since=query.since,
        until=query.until,
    )
    found = selectors.rating_list(user=request.user, filters=filters)
    page = paginate_by_id(found, cursor=query.cursor or None, limit=query.limit)
    return {"items": [_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/surveys/{survey_id}/follow-up",
    response=SurveyOut,
    summary="Follow a rating up: an internal note, and a public reply if given (the team)",
)
def survey_follow_up(
    request: AuthenticatedHttpRequest, survey_id: Id, payload: FollowUpIn
) -> dict[str, Any]:
    survey = selectors.access_survey(user=request.user, survey_id=survey_id)
    followed = services.survey_follow_up(
        survey=survey, actor=request.user, note=payload.note, reply=payload.reply
    )
    return _out(followed)

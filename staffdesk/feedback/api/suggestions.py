"""REST API of the suggestion box: suggestions, votes, followers, comments, the owning
team's responses (drafts, batch publication), merges, restriction, the board."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from ninja import Query, Router, Status

from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import access_service
from staffdesk.core.markdown import render
from staffdesk.core.types import Id
from staffdesk.directory.models import Department
from staffdesk.directory.selectors import access_department
from staffdesk.directory.types import AuthenticatedHttpRequest, Viewer
from staffdesk.feedback.api.suggestion_schemas import (
    BoardIn,
    BoardOut,
    CommentIn,
    CommentOut,
    FollowOut,
    HelpIn,
    HelpOut,
    MergeIn,
    PublishIn,
    ResponseIn,
    ResponseOut,
    RestrictIn,
    SimilarIn,
    SimilarOut,
    SuggestionCreatedOut,
    SuggestionDetailOut,
    SuggestionIn,
    SuggestionListIn,
    SuggestionOut,
    SuggestionPageOut,
)
from staffdesk.feedback.models import Comment, Response, Suggestion
from staffdesk.feedback.selectors import suggestions as selectors
from staffdesk.feedback.services import suggestions as writes

router = Router(tags=["suggestions"])


def suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    """A suggestion as the API shows it: an anonymous one has a null author."""
    return {
        "id": suggestion.pk,
        "title": suggestion.title,
        "body": suggestion.body,
        "body_html": render(suggestion.body),
        "department": suggestion.department.code,
        "to_organization": suggestion.to_organization,
        "service": suggestion.service.code if suggestion.service else None,
        "author": None
        if suggestion.is_anonymous or suggestion.author is None
        else suggestion.author.username,
        "anonymous": suggestion.is_anonymous,
        "restricted": suggestion.restricted,
        "status": suggestion.status,
        "merged_into": suggestion.merged_into_id,
        "decline_reason": suggestion.decline_reason,
        "vote_count": suggestion.vote_count,
        "created_at": suggestion.created_at,
        "respond_by": suggestion.respond_by,
        "responded_at": suggestion.responded_at,
        "done_at": suggestion.done_at,
        "overdue": suggestion.is_overdue(),
    }


def _response_out(response: Response) -> dict[str, Any]:
    return {
        "id": response.pk,
        "suggestion": response.suggestion_id,
        "written_by": response.written_by.username,
        "body": response.body,
        "body_html": render(response.body),
        "status": response.status,
        "what_changed": response.what_changed,
        "created_at": response.created_at,
        "published_at": response.published_at,
    }


def _comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username if comment.author else None,
        "by_anonymous_author": comment.by_anonymous_author,
        "body": comment.body,
        "created_at": comment.created_at,
    }


def _department(user: Viewer, code: str) -> Department | None:
    return access_department(user=user, code=code) if code else None


def _service(user: Viewer, code: str) -> Service | None:
    return access_service(user=user, code=code) if code else None


def _access(request: AuthenticatedHttpRequest, suggestion_id: int) -> Suggestion:
    return selectors.access_suggestion(user=request.user, suggestion_id=suggestion_id)


# The paths without an id come first: `/suggestions/board` is not suggestion "board".


@router.get("/suggestions", response=SuggestionPageOut, summary="Suggestions I may see")
def suggestion_list(
    request: AuthenticatedHttpRequest, filters: Query[SuggestionListIn]
) -> dict[str, Any]:
    department = _department(request.user, filters.department)
    service = _service(request.user, filters.service)
    page = selectors.suggestion_page(
        user=request.user,
        filters=selectors.SuggestionFilters(
            query=filters.q,
            department_id=department.pk if department else None,
            service_id=service.pk if service else None,
            status=filters.status,
        ),
        sort=filters.sort,
        cursor=filters.cursor or None,
        limit=filters.limit,
    )
    return {"items": [suggestion_out(s) for s in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/suggestions",
    response={201: SuggestionCreatedOut},
    summary="Suggest an improvement (to a department, or to the organization as a whole)",
)
def suggestion_create(
    request: AuthenticatedHttpRequest, payload: SuggestionIn
) -> Status[dict[str, Any]]:
    """Anonymous: no author is stored; the answer's `follow_url` is the only way to follow
    it, shown this once."""
    submitted = writes.suggestion_submit(
        author=request.user,
        title=payload.title,
        body=payload.body,
        department=_department(request.user, payload.department),
        service=_service(request.user, payload.service),
        anonymous=payload.anonymous,
    )
    secret = submitted.follow_secret
    follow_url = reverse("feedback:suggestion-private", args=[secret]) if secret else None
    return Status(201, {**suggestion_out(submitted.suggestion), "follow_url": follow_url})


@router.get(
    "/suggestions/similar",
    response=list[SimilarOut],
    summary="Suggestions like the text being typed (to vote instead of repeating one)",
)
def suggestion_similar(
    request: AuthenticatedHttpRequest, query: Query[SimilarIn]
) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "title": s.title,
            "department": s.department.code,
            "status": s.status,
            "vote_count": s.vote_count,
        }
        for s in selectors.similar_suggestions(user=request.user, text=query.q)
    ]


@router.get(
    "/suggestions/board",
    response=BoardOut,
    summary="You said, we did: done in the last twelve months, and each department's counts",
)
def suggestion_board(request: AuthenticatedHttpRequest, query: Query[BoardIn]) -> dict[str, Any]:
    department = _department(request.user, query.department)
    service = _service(request.user, query.service)
    found = selectors.board(
        user=request.user,
        department_id=department.pk if department else None,
        service_id=service.pk if service else None,
        page=query.page,
        limit=query.limit,
    )
    return {
        "since": found.since,
        "items": [
            {
                "id": item.suggestion.pk,
                "title": item.suggestion.title,
                "department": item.suggestion.department.code,
                "service": item.suggestion.service.code if item.suggestion.service else None,
                "done_at": item.suggestion.done_at,
                "vote_count": item.suggestion.vote_count,
                "response": item.response.body if item.response else "",
                "what_changed": item.response.what_changed if item.response else "",
                "help": item.help,
            }
            for item in found.items
        ],
        "departments": [
            {
                "department": row.department.code,
                "received": row.counts.received,
                "answered_on_time": row.counts.answered_on_time,
                "done": row.counts.done,
                "declined": row.counts.declined,
            }
            for row in found.stats
        ],
        "next_page": found.page + 1 if found.has_next else None,
    }


@router.post(
    "/suggestions/responses/publish",
    response=list[ResponseOut],
    summary="Publish a batch of the department's draft responses at once (its team)",
)
def suggestion_responses_publish(
    request: AuthenticatedHttpRequest, payload: PublishIn
) -> list[dict[str, Any]]:
    published = writes.suggestion_responses_publish(
        department=access_department(user=request.user, code=payload.department),
        actor=request.user,
        response_ids=payload.response_ids,
    )
    return [_response_out(response) for response in published]


@router.get(
    "/suggestions/{suggestion_id}",
    response=SuggestionDetailOut,
    summary="One suggestion, with the responses I may see",
)
def suggestion_detail(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    suggestion = _access(request, suggestion_id)
    marks = selectors.my_marks(user=request.user, suggestion=suggestion)
    return {
        **suggestion_out(suggestion),
        "voted": marks.voted,
        "following": marks.following,
        "merged": [s.pk for s in selectors.merged_list(user=request.user, suggestion=suggestion)],
        "responses": [
            _response_out(r)
            for r in selectors.response_list(user=request.user, suggestion=suggestion)
        ],
        "help": selectors.help_counts([suggestion.pk])[suggestion.pk],
    }


@router.post(
    "/suggestions/{suggestion_id}/vote", response=SuggestionOut, summary="Vote for it (once)"
)
def suggestion_vote(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    voted = writes.suggestion_vote(suggestion=_access(request, suggestion_id), person=request.user)
    return suggestion_out(voted)


@router.delete(
    "/suggestions/{suggestion_id}/vote", response=SuggestionOut, summary="Withdraw my vote"
)
def suggestion_unvote(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    left = writes.suggestion_unvote(suggestion=_access(request, suggestion_id), person=request.user)
    return suggestion_out(left)


@router.post(
    "/suggestions/{suggestion_id}/follow", response=FollowOut, summary="Be told of its changes"
)
def suggestion_follow(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    suggestion = _access(request, suggestion_id)
    writes.suggestion_follow(suggestion=suggestion, person=request.user)
    return {"suggestion": suggestion.pk, "following": True}


@router.delete(
    "/suggestions/{suggestion_id}/follow", response=FollowOut, summary="Stop following it"
)
def suggestion_unfollow(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    suggestion = _access(request, suggestion_id)
    writes.suggestion_unfollow(suggestion=suggestion, person=request.user)
    return {"suggestion": suggestion.pk, "following": False}


@router.get(
    "/suggestions/{suggestion_id}/comments", response=list[CommentOut], summary="Its comments"
)
def comment_list(request: AuthenticatedHttpRequest, suggestion_id: Id) -> list[dict[str, Any]]:
    suggestion = _access(request, suggestion_id)
    return [
        _comment_out(c) for c in selectors.comment_list(user=request.user, suggestion=suggestion)
    ]


@router.post(
    "/suggestions/{suggestion_id}/comments", response={201: CommentOut}, summary="Comment on it"
)
def comment_create(
    request: AuthenticatedHttpRequest, suggestion_id: Id, payload: CommentIn
) -> Status[dict[str, Any]]:
    comment = writes.suggestion_comment(
        suggestion=_access(request, suggestion_id), author=request.user, body=payload.body
    )
    return Status(201, _comment_out(comment))


@router.post(
    "/suggestions/{suggestion_id}/responses",
    response={201: ResponseOut},
    summary="Respond, moving it to a status (the owning team); publish now or keep a draft",
)
def suggestion_respond(
    request: AuthenticatedHttpRequest, suggestion_id: Id, payload: ResponseIn
) -> Status[dict[str, Any]]:
    response = writes.suggestion_respond(
        suggestion=_access(request, suggestion_id),
        actor=request.user,
        body=payload.body,
        status=payload.status,
        what_changed=payload.what_changed,
        publish=payload.publish,
    )
    return Status(201, _response_out(response))


@router.post(
    "/suggestions/{suggestion_id}/merge",
    response=SuggestionOut,
    summary="Merge it into the suggestion it duplicates (the owning team)",
)
def suggestion_merge(
    request: AuthenticatedHttpRequest, suggestion_id: Id, payload: MergeIn
) -> dict[str, Any]:
    merged = writes.suggestion_merge(
        suggestion=_access(request, suggestion_id),
        into=_access(request, payload.into),
        actor=request.user,
    )
    return suggestion_out(merged)


@router.post(
    "/suggestions/{suggestion_id}/unmerge", response=SuggestionOut, summary="Undo its merge"
)
def suggestion_unmerge(request: AuthenticatedHttpRequest, suggestion_id: Id) -> dict[str, Any]:
    apart = writes.suggestion_unmerge(
        suggestion=_access(request, suggestion_id), actor=request.user
    )
    return suggestion_out(apart)


@router.post(
    "/suggestions/{suggestion_id}/restrict",
    response=SuggestionOut,
    summary='Mark it "visible to us and the author only", or open it again (the owning team)',
)
def suggestion_restrict(
    request: AuthenticatedHttpRequest, suggestion_id: Id, payload: RestrictIn
) -> dict[str, Any]:
    changed = writes.suggestion_restrict(
        suggestion=_access(request, suggestion_id),
        actor=request.user,
        restricted=payload.restricted,
    )
    return suggestion_out(changed)


@router.post(
    "/suggestions/{suggestion_id}/help",
    response=HelpOut,
    summary='Answer "did it help?" (its author and voters, once it is asked)',
)
def suggestion_help(
    request: AuthenticatedHttpRequest, suggestion_id: Id, payload: HelpIn
) -> dict[str, Any]:
    answer = writes.suggestion_help_answer(
        suggestion=_access(request, suggestion_id), person=request.user, answer=payload.answer
    )
    return {"suggestion": answer.suggestion_id, "answer": answer.answer}

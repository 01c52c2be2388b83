"""REST endpoints of the directory: me, my tokens, departments and people."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Query, Router, Status

from staffdesk.core.api import SearchIn
from staffdesk.core.types import Id, String
from staffdesk.directory import selectors, services
from staffdesk.directory.auth import TOKEN_CREATION_AUTH
from staffdesk.directory.models import ApiToken, Department, Person
from staffdesk.directory.schemas import (
    AwayIn,
    DepartmentOut,
    MeOut,
    PersonOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from staffdesk.directory.types import AuthenticatedHttpRequest

router = Router(tags=["directory"])


@router.get("/me", response=MeOut, summary="Who I am, and the teams I am on")
def me(request: AuthenticatedHttpRequest) -> selectors.Me:
    return selectors.me(user=request.user)


@router.put("/me/away", response=MeOut, summary="Set my away-until date and delegate")
def set_away(request: AuthenticatedHttpRequest, payload: AwayIn) -> selectors.Me:
    delegate = (
        selectors.access_person(user=request.user, person_id=payload.delegate_id)
        if payload.delegate_id is not None
        else None
    )
    services.person_set_away(person=request.user, away_until=payload.away_until, delegate=delegate)
    return me(request)


@router.get("/me/tokens", response=list[TokenOut], summary="My active API tokens")
def token_list(request: AuthenticatedHttpRequest) -> QuerySet[ApiToken]:
    return selectors.api_token_list(user=request.user)


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut},
    auth=TOKEN_CREATION_AUTH,
    summary="Create an API token (the secret is in this response only)",
    description="Besides a token or a session, HTTP Basic with your password is accepted here, "
    "so a script can obtain its first token.",
)
def token_create(request: AuthenticatedHttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, secret = services.api_token_create(person=request.user, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": secret})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def token_revoke(request: AuthenticatedHttpRequest, token_id: Id) -> Status[None]:
    services.api_token_revoke(person=request.user, token_id=token_id)
    return Status(204, None)


@router.get("/departments", response=list[DepartmentOut], summary="All departments")
def department_list(request: AuthenticatedHttpRequest) -> QuerySet[Department]:
    return selectors.department_list(user=request.user)


@router.get("/departments/{code}", response=DepartmentOut, summary="One department")
def department_detail(request: AuthenticatedHttpRequest, code: String) -> Department:
    return selectors.access_department(user=request.user, code=code)


@router.get("/people", response=list[PersonOut], summary="Search people (at most 50)")
def person_search(request: AuthenticatedHttpRequest, search: Query[SearchIn]) -> QuerySet[Person]:
    return selectors.person_list(
        user=request.user, query=search.q, department_code=search.department
    )[:50]


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def person_detail(request: AuthenticatedHttpRequest, person_id: Id) -> Person:
    return selectors.access_person(user=request.user, person_id=person_id)

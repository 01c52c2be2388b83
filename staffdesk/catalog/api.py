"""REST endpoints of the catalog."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Query, Router

from staffdesk.catalog import selectors
from staffdesk.catalog.models import Service
from staffdesk.catalog.schemas import ServiceDetailOut, ServiceOut
from staffdesk.core.api import SearchIn
from staffdesk.core.types import String
from staffdesk.directory.types import AuthenticatedHttpRequest

router = Router(tags=["catalog"])


@router.get("/services", response=list[ServiceOut], summary="Services, optionally searched")
def service_list(request: AuthenticatedHttpRequest, search: Query[SearchIn]) -> QuerySet[Service]:
    return selectors.service_list(
        user=request.user, query=search.q, department_code=search.department
    )


@router.get("/services/{code}", response=ServiceDetailOut, summary="A service and its request form")
def service_detail(request: AuthenticatedHttpRequest, code: String) -> Service:
    return selectors.access_service(user=request.user, code=code)

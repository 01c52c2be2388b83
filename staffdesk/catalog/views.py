"""Web pages of the catalog: every department's services, and who handles what."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from staffdesk.catalog.badges import service_badges
from staffdesk.catalog.models import Service
from staffdesk.catalog.selectors import catalog_list
from staffdesk.core.http import allow_methods
from staffdesk.directory.selectors import access_department
from staffdesk.directory.types import AuthenticatedHttpRequest


@allow_methods("GET")
@login_required
def catalog_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = list(catalog_list(user=request.user))
    return render(
        request,
        "catalog/index.html",
        {"services": services, "badges": _badges(request, services)},
    )


def _badges(request: AuthenticatedHttpRequest, services: list[Service]) -> dict[int, list]:
    return service_badges(user=request.user, service_ids=[s.pk for s in services])


@allow_methods("GET")
@login_required
def department_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    department = access_department(user=request.user, code=code)
    services = list(catalog_list(user=request.user, department_code=department.code))
    return render(
        request,
        "catalog/department.html",
        {"department": department, "services": services, "badges": _badges(request, services)},
    )

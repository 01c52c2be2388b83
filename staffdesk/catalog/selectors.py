"""Reads of the catalog, always through `Service.objects.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.errors import NotFound
from staffdesk.directory.models import Membership, Person
from staffdesk.directory.selectors import is_agent_of, is_org_admin, person_list, team_roles
from staffdesk.directory.types import Viewer


def service_list(*, user: Viewer, query: str = "", department_code: str = "") -> QuerySet[Service]:
    services = Service.objects.visible_to(user).select_related(
        "department", "point_person", "backup"
    )
    for word in query.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(description__icontains=word)
            | Q(group__icontains=word)
            | Q(department__name__icontains=word)
            | Q(department__code__iexact=word)
        )
    if department_code:
        services = services.filter(department__code=department_code.upper())
    return services.prefetch_related(
        Prefetch("fields", queryset=FormField.objects.order_by("order", "id"))
    )


def access_service(*, user: Viewer, code: str) -> Service:
    service = service_list(user=user).filter(code=code).first()
    if service is None:
        raise NotFound(f"No service with code {code!r}.")
    return service


def catalog_list(*, user: Viewer, query: str = "", department_code: str = "") -> QuerySet[Service]:
    """The services on offer (active ones), in catalog order: department, group, name.

    Without the form fields, which lists and search results never show.
    """
    return (
        service_list(user=user, query=query, department_code=department_code)
        .filter(is_active=True)
        .prefetch_related(None)
        .order_by("department__name", "department__code", "group", "name")
    )


def beneficiary_list(*, user: Person, service: Service) -> QuerySet[Person]:
    """The people this user may file a request of this service for, besides themselves.

    The same rule the filing service enforces (`requests.services.submit._check_filing`):
    agents of the providing department and organization admins may file for anyone, the lead
    of a department for its people; nobody else for anyone.
    """
    people = person_list(user=user).filter(is_active=True).exclude(pk=user.pk)
    if is_org_admin(user) or is_agent_of(user, service.department_id):
        return people
    led = [dept for dept, role in team_roles(user).items() if role == Membership.Role.LEAD]
    return people.filter(department_id__in=led)

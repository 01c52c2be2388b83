"""Reads of the catalog, always through `Service.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, F, FloatField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from staffdesk.catalog.models import FormField, Service
from staffdesk.catalog.search import PREFIX_MIN, service_search, terms
from staffdesk.core.errors import NotFound
from staffdesk.directory.models import Membership, Person
from staffdesk.directory.selectors import is_agent_of, is_org_admin, person_list, team_roles
from staffdesk.directory.types import Viewer


def service_list(*, user: Viewer, query: str = "", department_code: str = "") -> QuerySet[Service]:
    """The services this user may see; with a query, those matching any of its words, best
    first (`search.py`), then those of a department named by a word, and the organization's
    general service (`STAFFDESK_GENERAL_SERVICE`) last whatever the query."""
    services: QuerySet[Service] = Service.objects.visible_to(user).select_related(
        "department", "point_person", "backup"
    )
    if query.strip():
        services = _searched(services, query)
    if department_code:
        services = services.filter(department__code=department_code.upper())
    return services.prefetch_related(
        Prefetch("fields", queryset=FormField.objects.order_by("order", "id"))
    )


def _searched(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    search = service_search(query)
    general = settings.STAFFDESK_GENERAL_SERVICE
    found = search.matches | _department_named(query)
    if general:
        found |= Q(code=general, is_active=True)
    return (
        services.filter(found)
        .annotate(
            is_general=Case(When(code=general, then=Value(1)), default=Value(0)),
            score=Coalesce(search.score, Value(0.0), output_field=FloatField()),
        )
        .order_by("is_general", F("score").desc(), "department__name", "name")
    )


def _department_named(query: str) -> Q:
    """Services of a department whose name holds a word of the query ("human"), or whose
    code is the whole query ("IT", a stop word in a sentence)."""
    named = Q(department__code__iexact=query.strip()) if query.split() == [query.strip()] else Q()
    for word in {word for term in terms(query) for word in term.words}:
        if len(word) >= PREFIX_MIN:
            named |= Q(department__name__icontains=word)
    return named if named else Q(pk__in=[])


def access_service(*, user: Viewer, code: str) -> Service:
    service = service_list(user=user).filter(code=code).first()
    if service is None:
        raise NotFound(f"No service with code {code!r}.")
    return service


def catalog_list(*, user: Viewer, query: str = "", department_code: str = "") -> QuerySet[Service]:
    """The services on offer (active ones), in catalog order: department, group, name; with a
    query, in the search's order (best first, the general service last).

    Without the form fields, which lists and search results never show.
    """
    services = (
        service_list(user=user, query=query, department_code=department_code)
        .filter(is_active=True)
        .prefetch_related(None)
    )
    if query.strip():
        return services
    return services.order_by("department__name", "department__code", "group", "name")


@dataclass(frozen=True)
class CatalogSearch:
    """A page of search results: the best matches, whether there were more, and the general
    service, which ends every search (shown apart, whatever matched)."""

    services: list[Service]
    more: bool
    general: Service | None


def catalog_search(*, user: Viewer, query: str, limit: int) -> CatalogSearch:
    """The first `limit` services matching `query`, best first, and the general service."""
    code = settings.STAFFDESK_GENERAL_SERVICE
    if not query.strip():
        return CatalogSearch(services=[], more=False, general=general_service(user=user))
    # One more than shown, to know whether to say the list was cut.
    found = list(catalog_list(user=user, query=query)[: limit + 2])
    general = found.pop() if code and found and found[-1].code == code else None
    if general is None and len(found) > limit:
        general = general_service(user=user)
    return CatalogSearch(services=found[:limit], more=len(found) > limit, general=general)


def general_service(*, user: Viewer) -> Service | None:
    """The organization's "ask anything" service (`STAFFDESK_GENERAL_SERVICE`), if offered."""
    code = settings.STAFFDESK_GENERAL_SERVICE
    if not code:
        return None
    return catalog_list(user=user).filter(code=code).first()


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

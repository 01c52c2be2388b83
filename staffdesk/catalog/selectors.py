"""Reads of the catalog, always through `Service.objects.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.errors import NotFound


def service_list(*, user, query: str = "", department_code: str = "") -> QuerySet[Service]:
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


def access_service(*, user, code: str) -> Service:
    service = service_list(user=user).filter(code=code).first()
    if service is None:
        raise NotFound(f"No service with code {code!r}.")
    return service

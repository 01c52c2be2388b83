"""Reads of calendars and agreements, and which agreement applies to a new request."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When

from staffdesk.core.errors import NotFound
from staffdesk.directory.types import Viewer
from staffdesk.sla.models import Agreement

_Customers = Agreement.customers.through


def agreement_list(*, user: Viewer) -> QuerySet[Agreement]:
    return (
        Agreement.objects.visible_to(user)
        .select_related("provider", "calendar", "point_person")
        .prefetch_related("customers", "targets")
    )


def access_agreement(*, user: Viewer, agreement_id: int) -> Agreement:
    agreement = agreement_list(user=user).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFound(f"No agreement with id {agreement_id}.")
    return agreement


def agreement_applicable(
    *,
    provider_department_id: int,
    customer_department_id: int | None,
    on: date,
    service_agreement_id: int | None,
) -> Agreement | None:
    """The most specific agreement in force on `on` for a request, in one query.

    1. the service's own agreement (the caller passes `Service.sla_agreement_id`, since
       sla cannot see services), when it covers the customer department;
    2. the provider's department-wide agreement naming the customer department;
    3. the provider's department-wide agreement for everyone (no customers named);
    4. the organization default.
    Agreements marked `services_only` are per-service overrides and only ever apply at 1.
    Among several at one level, the latest `effective_from` wins (then the newest).
    "Covers" means: for everyone, or the customer department is named. Agreements are in
    force when active and effective on that day; `review_on` is a reminder, not an end.
    """
    everyone = Q(applies_to_everyone=True) | Q(
        ~Exists(_Customers.objects.filter(agreement_id=OuterRef("pk")))
    )
    covers = everyone
    department_wide = Q(provider_id=provider_department_id, services_only=False)
    levels = [
        When(department_wide & everyone, then=2),
        When(is_organization_default=True, then=3),
    ]
    if customer_department_id is not None:
        named = Q(
            Exists(
                _Customers.objects.filter(
                    agreement_id=OuterRef("pk"), department_id=customer_department_id
                )
            )
        )
        covers = everyone | named
        levels.insert(0, When(department_wide & named, then=1))
    if service_agreement_id is not None:
        levels.insert(0, When(Q(pk=service_agreement_id) & covers, then=0))
    return (
        Agreement.objects.active_on(on)
        .annotate(level=Case(*levels, default=None))
        .filter(level__isnull=False)
        .order_by("level", "-effective_from", "-pk")
        .select_related("calendar")
        .prefetch_related("targets")
        .first()
    )

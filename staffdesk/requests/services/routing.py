"""Who a new request goes to, and what filing reads per service, cached per process
(`requests/filing_cache.py`: keyed by the routing generation, so fresh in every process)."""

from __future__ import annotations

from datetime import date

from staffdesk.catalog.models import FormField, Service
from staffdesk.directory.models import Membership, Person
from staffdesk.notifications.selectors import email_turned_off
from staffdesk.requests.filing_cache import Generation, cache, current_generation
from staffdesk.sla.models import Agreement
from staffdesk.sla.selectors import agreement_applicable


def route_assignee(*, service: Service, on: date) -> Person | None:
    """The service's point person; when away, their delegate; else the backup; else nobody.

    Only active members of the providing team who are not away themselves can receive work,
    so a delegate from another department (who could not see the case) is passed over.
    """
    team = set(
        Membership.objects.filter(department_id=service.department_id).values_list(
            "person_id", flat=True
        )
    )

    def available(person: Person | None) -> bool:
        return (
            person is not None and person.is_active and person.pk in team and not person.is_away(on)
        )

    point = service.point_person
    if available(point):
        return point
    if point is not None and point.is_away(on) and available(point.delegate):
        return point.delegate
    if available(service.backup):
        return service.backup
    return None


def routing_generation(service: Service) -> Generation:
    """The routing generation read with the service (`selectors.service_for_filing`), or, for
    a service loaded otherwise, read now."""
    value = getattr(service, "routing_generation", None)
    return current_generation() if value is None else tuple(value)


def filing_form(service: Service, *, generation: Generation) -> list[FormField]:
    """The service's form fields in form order, as filing validates answers against them."""
    key = ("form", service.pk)
    found, fields = cache.get(generation, key)
    if not found:
        fields = list(service.fields.order_by("order", "id"))
        cache.put(generation, key, fields)
    return list(fields)


def filing_routing(
    *, service: Service, customer_department_id: int | None, on: date, generation: Generation
) -> tuple[Person | None, Agreement | None]:
    """Who gets a new request of this service on `on`, and which agreement applies to it."""
    key = ("routing", service.pk, customer_department_id, on)
    found, value = cache.get(generation, key)
    if not found:
        value = (
            route_assignee(service=service, on=on),
            agreement_applicable(
                provider_department_id=service.department_id,
                customer_department_id=customer_department_id,
                on=on,
                service_agreement_id=service.sla_agreement_id,
            ),
        )
        cache.put(generation, key, value)
    return value


def filing_email_off(*, person: Person, kind: str, generation: Generation) -> set[tuple[int, str]]:
    """`email_turned_off` for one person and kind, as `notify` takes it."""
    key = ("email_off", person.pk, kind)
    found, value = cache.get(generation, key)
    if not found:
        value = email_turned_off(person_ids=[person.pk], kinds=[kind])
        cache.put(generation, key, value)
    return set(value)

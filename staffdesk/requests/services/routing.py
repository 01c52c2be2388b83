"""Who a new request goes to, and the per-process cache of what filing reads per service.

Filing reads the same rows again and again for a service: its form, its team, its point
person and backup (and their delegates), the agreement that applies. They change rarely
(an admin edits a service, a person sets an absence), so each process keeps them, keyed by
the `routing` generation (`core.generations`): every save or delete of a service, form
field, person, team membership, agreement, its targets or customers, or business calendar
bumps it in the change's own transaction (the receivers below, connected in `apps.py`), and
filing reads it in the statement that loads the service (`selectors.service_for_filing`).
So the next filing in any process after a change reads the inputs again. Signals, unlike a
bump in each service, also catch the admin's saves; the product changes these rows through
`save()` and `delete()` only (no queryset `update()`), and bulk writes end with a `save()`
of their owner (`agreement_set_targets`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.generations import generation_bump, generation_read
from staffdesk.directory.models import Membership, Person
from staffdesk.requests.selectors import ROUTING_GENERATION as ROUTING
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar
from staffdesk.sla.selectors import agreement_applicable

# Services x customer departments x days in use; stale generations are dropped whole.
CACHE_SIZE = 4096
# A person's saves that change nothing filing reads (sign-in, password change).
_PERSON_IRRELEVANT = frozenset({"last_login", "password"})


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


class _GenerationCache:
    """An LRU of values computed under one generation; a newer generation empties it."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._generation: int | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: int, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if generation != self._generation or key not in self._values:
                return False, None
            self._values.move_to_end(key)
            return True, self._values[key]

    def put(self, generation: int, key: Hashable, value: Any) -> None:
        with self._lock:
            if self._generation is not None and generation < self._generation:
                return  # read under an older generation than one already seen
            if generation != self._generation:
                self._values.clear()
                self._generation = generation
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation = None


_cache = _GenerationCache(CACHE_SIZE)


def _generation(service: Service) -> int:
    """The routing generation read with the service, or (service loaded otherwise) now."""
    value = getattr(service, "routing_generation", None)
    return generation_read(ROUTING) if value is None else int(value)


def filing_form(service: Service) -> list[FormField]:
    """The service's form fields in form order, as filing validates answers against them."""
    generation = _generation(service)
    key = ("form", service.pk)
    found, fields = _cache.get(generation, key)
    if not found:
        fields = list(service.fields.order_by("order", "id"))
        _cache.put(generation, key, fields)
    return list(fields)


def filing_routing(
    *, service: Service, customer_department_id: int | None, on: date
) -> tuple[Person | None, Agreement | None]:
    """Who gets a new request of this service on `on`, and which agreement applies to it."""
    generation = _generation(service)
    key = ("routing", service.pk, customer_department_id, on)
    found, value = _cache.get(generation, key)
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
        _cache.put(generation, key, value)
    return value


def filing_cache_clear() -> None:
    _cache.clear()


def _bump(**_: Any) -> None:
    generation_bump(ROUTING)


def _person_saved(*, update_fields: frozenset[str] | None = None, **_: Any) -> None:
    if update_fields is None or not update_fields <= _PERSON_IRRELEVANT:
        generation_bump(ROUTING)


def _customers_changed(*, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        generation_bump(ROUTING)


def connect_invalidation() -> None:
    """Bump the routing generation on every change to what `filing_*` caches."""
    for model in (Service, FormField, Membership, Agreement, AgreementTarget, BusinessCalendar):
        post_save.connect(_bump, sender=model, dispatch_uid=f"routing-saved-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"routing-deleted-{model.__name__}")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="routing-saved-Person")
    post_delete.connect(_bump, sender=Person, dispatch_uid="routing-deleted-Person")
    m2m_changed.connect(
        _customers_changed, sender=Agreement.customers.through, dispatch_uid="routing-customers"
    )

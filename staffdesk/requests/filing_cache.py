"""The per-process cache of what filing reads per service, fresh in every process.

Filing reads the same rows again and again for a service: the service itself, its form,
its team, its point person and backup (and their delegates), the agreement that applies.
They change rarely (an admin edits a service, a person sets an absence), so each process
keeps them (and the assignee's email choice, keyed by the generation its changes bump too),
keyed by the `routing` generation (`core.generations`): every save or delete of
a department, service, form field, person, team membership, agreement, its targets or
customers, or business calendar bumps it (the receivers below, connected in `apps.py`):
inside the change's transaction before the change, or, outside any transaction, right after
it; and filing reads it (one indexed row) before anything else.
So the next filing in any process after a change reads the inputs again.

Signals rather than a bump in each service: they also catch the admin's saves, and these
rows are changed only through `save()` and `delete()` (no queryset `update()`; the one bulk
write, `agreement_set_targets`, ends with a `save()` of the agreement). A person's sign-in
(`last_login`) and password change do not bump it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, ClassVar

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.generations import generation_bump, generations_read
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.notifications.selectors import EMAIL_CHOICES_GENERATION
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar

ROUTING = "routing"
# Services x customer departments x days in use; a newer generation empties it.
CACHE_SIZE = 4096
# A person's saves that change nothing filing reads (sign-in, password change).
_PERSON_IRRELEVANT = frozenset({"last_login", "password"})


class GenerationCache:
    """An LRU of values computed under one generation; a newer generation empties it."""

    instances: ClassVar[list[GenerationCache]] = []

    def __init__(self, size: int) -> None:
        GenerationCache.instances.append(self)
        self._size = size
        self._generation: Generation | None = None
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: Generation, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if generation != self._generation or key not in self._values:
                return False, None
            self._values.move_to_end(key)
            return True, self._values[key]

    def put(self, generation: Generation, key: Hashable, value: Any) -> None:
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


cache = GenerationCache(CACHE_SIZE)


# The routing generation, and that of people's email choices (the assignee's, cached too).
Generation = tuple[int, ...]


def current_generation() -> Generation:
    return generations_read(ROUTING, EMAIL_CHOICES_GENERATION)


def filing_cache_clear() -> None:
    """Empty every cache keyed by the routing generation (this one and the queue's scopes)."""
    for each in GenerationCache.instances:
        each.clear()


def _before(**_: Any) -> None:
    # In a transaction, before the change: every transaction that changes these rows takes
    # the generation row's lock first, so two of them cannot deadlock on it (PostgreSQL).
    if connection.in_atomic_block:
        generation_bump(ROUTING)


def _after(**_: Any) -> None:
    # Outside a transaction, after the change has committed: a filing that read the old
    # generation meanwhile read the new rows, never the other way round.
    if not connection.in_atomic_block:
        generation_bump(ROUTING)


def _routing_relevant(update_fields: frozenset[str] | None) -> bool:
    return update_fields is None or not update_fields <= _PERSON_IRRELEVANT


def _person_before(*, update_fields: frozenset[str] | None = None, **_: Any) -> None:
    if _routing_relevant(update_fields):
        _before()


def _person_after(*, update_fields: frozenset[str] | None = None, **_: Any) -> None:
    if _routing_relevant(update_fields):
        _after()


def _customers_changing(*, action: str, **_: Any) -> None:
    if action.startswith("pre_"):
        _before()
    elif action.startswith("post_"):
        _after()


def connect_invalidation() -> None:
    """Bump the routing generation on every change to what the cache holds."""
    for model in (
        Department,
        Service,
        FormField,
        Membership,
        Agreement,
        AgreementTarget,
        BusinessCalendar,
    ):
        name = model.__name__
        pre_save.connect(_before, sender=model, dispatch_uid=f"routing-saving-{name}")
        post_save.connect(_after, sender=model, dispatch_uid=f"routing-saved-{name}")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"routing-deleting-{name}")
        post_delete.connect(_after, sender=model, dispatch_uid=f"routing-deleted-{name}")
    pre_save.connect(_person_before, sender=Person, dispatch_uid="routing-saving-Person")
    post_save.connect(_person_after, sender=Person, dispatch_uid="routing-saved-Person")
    pre_delete.connect(_before, sender=Person, dispatch_uid="routing-deleting-Person")
    post_delete.connect(_after, sender=Person, dispatch_uid="routing-deleted-Person")
    m2m_changed.connect(
        _customers_changing, sender=Agreement.customers.through, dispatch_uid="routing-customers"
    )

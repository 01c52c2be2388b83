"""The per-process cache of what filing reads per service, fresh in every process.

Filing reads the same rows again and again for a service: the service itself, its form,
its team, its point person and backup (and their delegates), the agreement that applies.
They change rarely (an admin edits a service, a person sets an absence), so each process
keeps them, keyed by the `routing` generation (`core.generations`): every save or delete of
a department, service, form field, person, team membership, agreement, its targets or
customers, or business calendar bumps it in the change's own transaction (the receivers
below, connected in `apps.py`), and filing reads it (one indexed row) before anything else.
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
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.generations import generation_bump, generation_read
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.sla.models import Agreement, AgreementTarget, BusinessCalendar

ROUTING = "routing"
# Services x customer departments x days in use; a newer generation empties it.
CACHE_SIZE = 4096
# A person's saves that change nothing filing reads (sign-in, password change).
_PERSON_IRRELEVANT = frozenset({"last_login", "password"})


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


cache = _GenerationCache(CACHE_SIZE)


def current_generation() -> int:
    return generation_read(ROUTING)


def filing_cache_clear() -> None:
    cache.clear()


def _bump(**_: Any) -> None:
    generation_bump(ROUTING)


def _person_saved(*, update_fields: frozenset[str] | None = None, **_: Any) -> None:
    if update_fields is None or not update_fields <= _PERSON_IRRELEVANT:
        generation_bump(ROUTING)


def _customers_changed(*, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        generation_bump(ROUTING)


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
        post_save.connect(_bump, sender=model, dispatch_uid=f"routing-saved-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"routing-deleted-{model.__name__}")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="routing-saved-Person")
    post_delete.connect(_bump, sender=Person, dispatch_uid="routing-deleted-Person")
    m2m_changed.connect(
        _customers_changed, sender=Agreement.customers.through, dispatch_uid="routing-customers"
    )

"""Generations: cross-process invalidation of per-process caches.

A cache of rows that change rarely but are read on a hot path (the routing inputs of
filing) is keyed by a generation: a counter in `core_generation` that every change to
those rows bumps in the change's own transaction. A process reads the counter (in the same
statement as a row it reads anyway, through `generation_of`), then the inputs; as the
counter is read first, what it caches under a generation is never older than that
generation, and a change committed in any process is seen by the next read of the counter.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Func, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce

from staffdesk.core.models import Generation

_BUMP_SQL = (
    "INSERT INTO core_generation (name, value) VALUES (%s, 1) "
    "ON CONFLICT (name) DO UPDATE SET value = core_generation.value + 1"
)


def generation_bump(name: str) -> None:
    """Invalidate every cache keyed by the generation `name` (one statement, in the caller's
    transaction: a rollback leaves it as it was)."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, [name])


def generation_of(name: str) -> Func:
    """The generation's value as an expression, to annotate a query the caller makes anyway."""
    return Coalesce(
        Subquery(Generation.objects.filter(name=name).values("value")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def generation_read(name: str) -> int:
    """The generation's value, in a query of its own (0 before the first bump)."""
    value = Generation.objects.filter(name=name).values_list("value", flat=True).first()
    return value or 0

"""Generations: cross-process invalidation of per-process caches.

A cache of rows that change rarely but are read on a hot path (the routing inputs of
filing) is keyed by a generation: a counter in `core_generation` that every change to
those rows bumps in the change's own transaction. A process reads the counter, then the
inputs; as the counter is read first, what it caches under a generation is never older than that
generation, and a change committed in any process is seen by the next read of the counter.
"""

from __future__ import annotations

from django.db import connection

_BUMP_SQL = (
    "INSERT INTO core_generation (name, value) VALUES (%s, 1) "
    "ON CONFLICT (name) DO UPDATE SET value = core_generation.value + 1"
)


def generation_bump(name: str) -> None:
    """Invalidate every cache keyed by the generation `name` (one statement, in the caller's
    transaction: a rollback leaves it as it was)."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, [name])


def generation_read(name: str) -> int:
    """The generation's value (0 before the first bump): one primary-key lookup, in SQL
    written out, as hot paths read it on every call."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM core_generation WHERE name = %s", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def generations_read(*names: str) -> tuple[int, ...]:
    """The values of several generations, in the order named, in one statement."""
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(names))  # only placeholders go into the text
        cursor.execute(
            f"SELECT name, value FROM core_generation WHERE name IN ({placeholders})",  # noqa: S608
            list(names),
        )
        values = dict(cursor.fetchall())
    return tuple(int(values.get(name, 0)) for name in names)

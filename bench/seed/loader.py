"""Loading millions of rows fast: the per-database tricks `bench-seed` uses, and only it.

- SQLite: `executemany` on the raw connection; while seeding (outside any transaction),
  no journal and no fsync (`journal_mode=OFF`, `synchronous=OFF`), foreign-key checks off,
  a large page cache. WAL is restored at the end. A crash mid-seed leaves a broken file,
  which is fine for a benchmark cache and why the command refuses any database with data.
- PostgreSQL: `COPY ... FROM STDIN` through psycopg's `cursor.copy()`.
- Both: the secondary indexes, unique constraints and (PostgreSQL) foreign keys of the big
  tables are dropped during the load and rebuilt afterwards from their own definitions, so
  the schema ends exactly as migrations made it. A sorted bulk build is many times faster
  than maintaining a dozen B-trees row by row. On SQLite the tables' triggers go too, and
  external-content full-text tables over them are rebuilt once at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model


def _extra_columns(model: type[Model], known: Sequence[str]) -> tuple[list[str], tuple]:
    """Columns the generator does not fill (fields added after it was written), with the
    value the model would give them by default, so new fields do not break the seed."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column is None or field.column in known:  # concrete fields have a column
            continue
        names.append(field.column)
        default = None if field.null and not field.has_default() else field.get_default()
        values.append(field.get_db_prep_save(default, connection))
    return names, tuple(values)


def insert_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert row tuples (in `columns` order) into the model's table, as fast as the database allows."""
    extra_names, extra_values = _extra_columns(model, columns)
    if extra_names:
        rows = [row + extra_values for row in rows]
    names = [*columns, *extra_names]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    connection.ensure_connection()
    placeholders = ", ".join("?" * len(names))
    connection.connection.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",  # noqa: S608 - names from models
        rows,
    )


@contextmanager
def fast_session() -> Iterator[None]:
    """SQLite: no journal, no fsync, no foreign-key checks while seeding. Only possible outside
    a transaction (a test's transaction simply keeps the normal, safe settings)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB of page cache, in KiB
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")


def _sqlite_rebuildables(table: str) -> list[tuple[str, str, str]]:
    # (drop, create, name); a full-text table is not dropped, only rebuilt.
    """Indexes, then triggers (e.g. the full-text index's: a row-by-row insert into it costs
    more than rebuilding it once), then a rebuild of the full-text tables over `table`."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND tbl_name = %s AND sql IS NOT NULL ORDER BY type, name",
            [table],
        )
        objects = [
            (f"DROP {kind.upper()} {quote(name)}", sql, name)
            for kind, name, sql in cursor.fetchall()
        ]
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%%' AND sql LIKE %s ORDER BY name",
            [f"%content='{table}'%"],
        )
        full_text = [
            ("", f"INSERT INTO {quote(name)}({quote(name)}) VALUES ('rebuild')", name)  # noqa: S608 - names from sqlite_master
            for (name,) in cursor.fetchall()
        ]
    return objects + full_text


def _postgres_rebuildables(table: str) -> list[tuple[str, str, str]]:
    """Foreign keys and unique constraints (not the primary key), then plain indexes."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype, conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.contype IN ('p', 'u', 'x')) ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
    return [
        (
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}",
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
            name,
        )
        for name, definition in constraints
    ] + [(f"DROP INDEX {quote(name)}", definition, name) for name, definition in indexes]


@contextmanager
def without_secondary_indexes(models: Iterable[type[Model]]) -> Iterator[list[str]]:
    """Drop the tables' secondary indexes (and PostgreSQL constraints) and rebuild them on exit.

    Yields the names it dropped. Unique constraints are rebuilt too, so a duplicate made by
    the load fails the rebuild instead of passing silently.
    """
    rebuild: list[tuple[str, str, str]] = []
    for model in models:
        table = model._meta.db_table
        if connection.vendor == "postgresql":
            rebuild += _postgres_rebuildables(table)
        else:
            rebuild += _sqlite_rebuildables(table)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            # Inside one transaction (the tests), ALTER TABLE refuses tables with deferred
            # foreign-key checks still pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for drop, _, _ in rebuild:
            if drop:
                cursor.execute(drop)
    yield [name for _, _, name in rebuild]
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, create, _ in rebuild:
            cursor.execute(create)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def finish(models: Iterable[type[Model]]) -> None:
    """Sequences after explicit ids, and fresh planner statistics (PostgreSQL)."""
    models = list(models)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # Every table, as autovacuum would soon: without statistics for people and
            # services the planner hash-joins all 30,000 people into a queue page (550 ms).
            cursor.execute("ANALYZE")

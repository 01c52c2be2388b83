"""A full-text index over one table, per backend, made and remade by migrations.

SQLite: an FTS5 virtual table kept in step by triggers. PostgreSQL: a stored generated
`tsvector` column with a GIN index. Each app that searches (catalog, requests) declares one
`FullTextIndex` in its `search_schema` module; migrations call `create_in_migration` and
`drop_in_migration` from there, and a later migration that rebuilds the table on SQLite
(adding a field does, which drops its triggers) runs `create_in_migration` again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.backends.utils import CursorWrapper


WORD = re.compile(r"(\w+)(\*?)")


def words(text: str) -> list[tuple[str, bool]]:
    """(word, is a prefix) pairs; anything but letters, digits and a trailing * separates."""
    return [(word, bool(star)) for word, star in WORD.findall(text.lower())]


def every_word_query(text: str) -> str | None:
    """The full-text query, in the database's syntax, that every word of `text` must match
    (a word ending in `*` as a prefix); None when `text` has no word. The user's words only
    ever reach the database as this bound parameter."""
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return " & ".join(f"{word}:*" if prefix else word for word, prefix in terms)
    return " ".join(f'"{word}"*' if prefix else f'"{word}"' for word, prefix in terms)


@dataclass(frozen=True)
class FullTextIndex:
    table: str
    # SQLite: the virtual table's name and its `USING fts5(...)` arguments, the statements
    # that fill it from the rows already there, and the triggers (name -> body) after that.
    fts_table: str
    fts_arguments: str
    fts_fill: tuple[str, ...]
    triggers: dict[str, str]
    # PostgreSQL: the generated column, its expression and the GIN index over it.
    pg_column: str
    pg_document: str
    pg_index: str

    def matching(self, query: str) -> Q:
        """A filter of the table's rows that match `query` (from `every_word_query`)."""
        if connection.vendor == "postgresql":
            return Q(
                RawSQL(  # noqa: S611 - the query is a bound parameter
                    f"{self.pg_column} @@ to_tsquery('simple', %s)",
                    [query],
                    output_field=BooleanField(),
                )
            )
        return Q(
            pk__in=RawSQL(  # noqa: S611 - the query is a bound parameter
                # The table's name is this index's own constant, never user input.
                f"SELECT rowid FROM {self.fts_table} WHERE {self.fts_table} MATCH %s",  # noqa: S608
                [query],
            )
        )

    def create(self, cursor: CursorWrapper, vendor: str) -> None:
        """Index the rows already there, and keep the index current from now on."""
        if vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts_table} "
                f"USING fts5({self.fts_arguments})"
            )
            for statement in self.fts_fill:
                cursor.execute(statement)
            for name, body in self.triggers.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        elif vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS {self.pg_column} tsvector "
                f"GENERATED ALWAYS AS ({self.pg_document}) STORED"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {self.pg_index} ON {self.table} "
                f"USING gin ({self.pg_column})"
            )

    def drop(self, cursor: CursorWrapper, vendor: str) -> None:
        """Remove the index (and, on SQLite, its triggers)."""
        if vendor == "sqlite":
            for name in self.triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.fts_table}")
        elif vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {self.pg_index}")
            cursor.execute(f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS {self.pg_column}")

    def create_in_migration(self, apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        """RunPython: create the index."""
        with schema_editor.connection.cursor() as cursor:
            self.create(cursor, schema_editor.connection.vendor)

    def drop_in_migration(self, apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        """RunPython, reversed: drop the index."""
        with schema_editor.connection.cursor() as cursor:
            self.drop(cursor, schema_editor.connection.vendor)

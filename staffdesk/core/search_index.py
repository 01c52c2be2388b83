"""A full-text index over one table, per backend, made and remade by migrations.

SQLite: an FTS5 virtual table kept in step by triggers. PostgreSQL: a stored generated
`tsvector` column with a GIN index. Each app that searches (catalog, requests) declares one
`FullTextIndex` in its `search_schema` module; migrations call `create_in_migration` and
`drop_in_migration` from there, and a later migration that rebuilds the table on SQLite
(adding a field does, which drops its triggers) runs `create_in_migration` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.backends.utils import CursorWrapper


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

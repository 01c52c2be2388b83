"""The database objects behind requests/search.py, per backend (created by migrations).

Kept here rather than in a migration so that a later migration, and the benchmark seed that
loads rows in bulk, can drop and recreate them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.backends.utils import CursorWrapper

FTS_TABLE = "requests_request_search"
SQLITE_TRIGGERS = {
    "requests_request_search_insert": (
        "AFTER INSERT ON requests_request BEGIN "
        "INSERT INTO requests_request_search(rowid, subject, description) "
        "VALUES (new.id, new.subject, new.description); END"
    ),
    "requests_request_search_delete": (
        "AFTER DELETE ON requests_request BEGIN "
        "INSERT INTO requests_request_search(requests_request_search, rowid, subject, description) "
        "VALUES ('delete', old.id, old.subject, old.description); END"
    ),
    "requests_request_search_update": (
        "AFTER UPDATE OF subject, description ON requests_request BEGIN "
        "INSERT INTO requests_request_search(requests_request_search, rowid, subject, description) "
        "VALUES ('delete', old.id, old.subject, old.description); "
        "INSERT INTO requests_request_search(rowid, subject, description) "
        "VALUES (new.id, new.subject, new.description); END"
    ),
}
PG_COLUMN = "search_document"
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, coalesce(subject, '') || ' ' || coalesce(description, ''))"
)
PG_INDEX = "request_search_document"


def create(cursor: CursorWrapper, vendor: str) -> None:
    """Create the index over the rows already there (and keep it current from now on)."""
    if vendor == "sqlite":
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(subject, description, "
            "content='requests_request', content_rowid='id', prefix='3')"
        )
        cursor.execute(
            "INSERT INTO requests_request_search(requests_request_search) VALUES ('rebuild')"
        )
        create_triggers(cursor, vendor)
    elif vendor == "postgresql":
        cursor.execute(
            f"ALTER TABLE requests_request ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON requests_request USING gin ({PG_COLUMN})"
        )


def create_triggers(cursor: CursorWrapper, vendor: str) -> None:
    if vendor == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def drop_triggers(cursor: CursorWrapper, vendor: str) -> None:
    """SQLite: stop indexing row by row (a bulk load then calls `create` to rebuild)."""
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def drop(cursor: CursorWrapper, vendor: str) -> None:
    if vendor == "sqlite":
        drop_triggers(cursor, vendor)
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        cursor.execute(f"ALTER TABLE requests_request DROP COLUMN IF EXISTS {PG_COLUMN}")


def create_in_migration(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        create(cursor, schema_editor.connection.vendor)


def drop_in_migration(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    with schema_editor.connection.cursor() as cursor:
        drop(cursor, schema_editor.connection.vendor)

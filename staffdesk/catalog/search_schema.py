"""The database objects behind catalog/search.py, per backend (created by migrations).

Kept here rather than in a migration so that a later migration that rebuilds the services
table on SQLite (adding a field does) can recreate them, as requests/search_schema.py does.

SQLite: an FTS5 table with the porter tokenizer holding its own copy of each service's name,
keywords, group and description, kept in step by three triggers. PostgreSQL: a stored
generated tsvector column ('english' configuration; name and keywords weight A, group B,
description C) with a GIN index. Both read punctuation as a word break ("W-2" is "w 2"),
which FTS5's tokenizer does and PostgreSQL's parser does not (it reads "-2" as a number),
so the PostgreSQL document replaces it with spaces first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.backends.utils import CursorWrapper

FTS_TABLE = "catalog_service_search"
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_service_search USING fts5(name, keywords, "
    "service_group, description, tokenize='porter unicode61 remove_diacritics 2', prefix='3')"
)
SQLITE_FILL = (
    "INSERT INTO catalog_service_search(rowid, name, keywords, service_group, description) "
    'SELECT id, name, keywords, "group", description FROM catalog_service'
)
SQLITE_TRIGGERS = {
    "catalog_service_search_insert": (
        "AFTER INSERT ON catalog_service BEGIN "
        "INSERT INTO catalog_service_search(rowid, name, keywords, service_group, description) "
        'VALUES (new.id, new.name, new.keywords, new."group", new.description); END'
    ),
    "catalog_service_search_delete": (
        "AFTER DELETE ON catalog_service BEGIN "
        "DELETE FROM catalog_service_search WHERE rowid = old.id; END"
    ),
    "catalog_service_search_update": (
        'AFTER UPDATE OF name, keywords, "group", description ON catalog_service BEGIN '
        "DELETE FROM catalog_service_search WHERE rowid = old.id; "
        "INSERT INTO catalog_service_search(rowid, name, keywords, service_group, description) "
        'VALUES (new.id, new.name, new.keywords, new."group", new.description); END'
    ),
}
# Not "search_document": requests have one, and the request list's search joins both tables.
PG_COLUMN = "service_search_document"


def _pg_part(column: str, weight: str) -> str:
    text = f"regexp_replace(coalesce({column}, ''), '[^[:alnum:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}')"


PG_DOCUMENT = " || ".join(
    _pg_part(column, weight)
    for column, weight in (("name", "A"), ("keywords", "A"), ('"group"', "B"), ("description", "C"))
)
PG_INDEX = "catalog_service_search_document"


def create(cursor: CursorWrapper, vendor: str) -> None:
    """Create the index over the services already there (and keep it current from now on)."""
    if vendor == "sqlite":
        cursor.execute(SQLITE_CREATE)
        cursor.execute("DELETE FROM catalog_service_search")
        cursor.execute(SQLITE_FILL)
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    elif vendor == "postgresql":
        cursor.execute(
            f"ALTER TABLE catalog_service ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON catalog_service USING gin ({PG_COLUMN})"
        )


def drop(cursor: CursorWrapper, vendor: str) -> None:
    """Remove the index and, on SQLite, its triggers."""
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif vendor == "postgresql":
        cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        cursor.execute(f"ALTER TABLE catalog_service DROP COLUMN IF EXISTS {PG_COLUMN}")


def create_in_migration(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """RunPython: create the index (and, on SQLite, its triggers)."""
    with schema_editor.connection.cursor() as cursor:
        create(cursor, schema_editor.connection.vendor)


def drop_in_migration(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """RunPython, reversed: drop the index."""
    with schema_editor.connection.cursor() as cursor:
        drop(cursor, schema_editor.connection.vendor)

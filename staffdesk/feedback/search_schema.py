"""The full-text index over suggestions' title and body (created by migration 0002), the
machinery of `core.search_index`, stemmed as the catalog's is ("printers" finds "printer"):
FTS5 with the porter tokenizer kept by triggers on SQLite, a stored 'english' tsvector with
a GIN index on PostgreSQL. The title weighs more than the body in the ranking."""

from __future__ import annotations

from staffdesk.core.search_index import FullTextIndex

TABLE = "feedback_suggestion"
FTS_TABLE = "feedback_suggestion_search"
ADD = (
    "INSERT INTO feedback_suggestion_search(rowid, title, body) "
    "VALUES (new.id, new.title, new.body)"
)
REMOVE = (
    "INSERT INTO feedback_suggestion_search(feedback_suggestion_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body)"
)

INDEX = FullTextIndex(
    table=TABLE,
    fts_table=FTS_TABLE,
    fts_arguments=f"title, body, content='{TABLE}', content_rowid='id', "
    "tokenize='porter unicode61', prefix='3'",
    fts_fill=(
        "INSERT INTO feedback_suggestion_search(feedback_suggestion_search) VALUES ('rebuild')",
    ),
    triggers={
        f"{FTS_TABLE}_insert": f"AFTER INSERT ON {TABLE} BEGIN {ADD}; END",
        f"{FTS_TABLE}_delete": f"AFTER DELETE ON {TABLE} BEGIN {REMOVE}; END",
        f"{FTS_TABLE}_update": f"AFTER UPDATE OF title, body ON {TABLE} BEGIN {REMOVE}; {ADD}; END",
    },
    pg_column="search_document",
    pg_document=(
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')"
    ),
    pg_index="suggestion_search_document",
)
create_in_migration = INDEX.create_in_migration
drop_in_migration = INDEX.drop_in_migration

"""The database objects behind requests/search.py, per backend (created by migrations).

SQLite: an external-content FTS5 table over the subject and description, rebuilt from the
rows when created and kept in step by three triggers. PostgreSQL: a stored generated
tsvector column ('simple' configuration) with a GIN index.
"""

from __future__ import annotations

from staffdesk.core.search_index import FullTextIndex

ADD = (
    "INSERT INTO requests_request_search(rowid, subject, description) "
    "VALUES (new.id, new.subject, new.description)"
)
REMOVE = (
    "INSERT INTO requests_request_search(requests_request_search, rowid, subject, description) "
    "VALUES ('delete', old.id, old.subject, old.description)"
)

INDEX = FullTextIndex(
    table="requests_request",
    fts_table="requests_request_search",
    fts_arguments="subject, description, content='requests_request', content_rowid='id', "
    "prefix='3'",
    fts_fill=("INSERT INTO requests_request_search(requests_request_search) VALUES ('rebuild')",),
    triggers={
        "requests_request_search_insert": f"AFTER INSERT ON requests_request BEGIN {ADD}; END",
        "requests_request_search_delete": f"AFTER DELETE ON requests_request BEGIN {REMOVE}; END",
        "requests_request_search_update": (
            f"AFTER UPDATE OF subject, description ON requests_request BEGIN {REMOVE}; {ADD}; END"
        ),
    },
    pg_column="search_document",
    pg_document=(
        "to_tsvector('simple'::regconfig, coalesce(subject, '') || ' ' || coalesce(description, ''))"
    ),
    pg_index="request_search_document",
)
create_in_migration = INDEX.create_in_migration
drop_in_migration = INDEX.drop_in_migration

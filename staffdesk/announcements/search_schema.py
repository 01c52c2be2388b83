"""The full-text index over announcements' title and body (created by migration 0002), the
same machinery as requests' (`core.search_index`): FTS5 kept by triggers on SQLite, a stored
tsvector with a GIN index on PostgreSQL."""

from __future__ import annotations

from staffdesk.core.search_index import FullTextIndex

ADD = (
    "INSERT INTO announcements_announcement_search(rowid, title, body) "
    "VALUES (new.id, new.title, new.body)"
)
REMOVE = (
    "INSERT INTO announcements_announcement_search(announcements_announcement_search, rowid, "
    "title, body) VALUES ('delete', old.id, old.title, old.body)"
)

INDEX = FullTextIndex(
    table="announcements_announcement",
    fts_table="announcements_announcement_search",
    fts_arguments="title, body, content='announcements_announcement', content_rowid='id', "
    "prefix='3'",
    fts_fill=(
        "INSERT INTO announcements_announcement_search(announcements_announcement_search) "
        "VALUES ('rebuild')",
    ),
    triggers={
        "announcements_announcement_search_insert": (
            f"AFTER INSERT ON announcements_announcement BEGIN {ADD}; END"
        ),
        "announcements_announcement_search_delete": (
            f"AFTER DELETE ON announcements_announcement BEGIN {REMOVE}; END"
        ),
        "announcements_announcement_search_update": (
            f"AFTER UPDATE OF title, body ON announcements_announcement BEGIN {REMOVE}; {ADD}; END"
        ),
    },
    pg_column="search_document",
    pg_document=(
        "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))"
    ),
    pg_index="announcement_search_document",
)
create_in_migration = INDEX.create_in_migration
drop_in_migration = INDEX.drop_in_migration

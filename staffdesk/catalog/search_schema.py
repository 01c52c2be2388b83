"""The database objects behind catalog/search.py, per backend (created by migrations).

SQLite: an FTS5 table with the porter tokenizer holding its own copy of each service's name,
keywords, group and description, kept in step by three triggers. PostgreSQL: a stored
generated tsvector column ('english' configuration; name and keywords weight A, group B,
description C) with a GIN index. Both read punctuation as a word break ("W-2" is "w 2"),
which FTS5's tokenizer does and PostgreSQL's parser does not (it reads "-2" as a number),
so the PostgreSQL document replaces it with spaces first.
"""

from __future__ import annotations

from staffdesk.core.search_index import FullTextIndex

COPY = (
    "INSERT INTO catalog_service_search(rowid, name, keywords, service_group, description) "
    'VALUES (new.id, new.name, new.keywords, new."group", new.description)'
)
REMOVE = "DELETE FROM catalog_service_search WHERE rowid = old.id"


def _pg_part(column: str, weight: str) -> str:
    text = f"regexp_replace(coalesce({column}, ''), '[^[:alnum:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}')"


INDEX = FullTextIndex(
    table="catalog_service",
    fts_table="catalog_service_search",
    fts_arguments=(
        "name, keywords, service_group, description, "
        "tokenize='porter unicode61 remove_diacritics 2', prefix='3'"
    ),
    fts_fill=(
        "DELETE FROM catalog_service_search",
        "INSERT INTO catalog_service_search(rowid, name, keywords, service_group, description) "
        'SELECT id, name, keywords, "group", description FROM catalog_service',
    ),
    triggers={
        "catalog_service_search_insert": f"AFTER INSERT ON catalog_service BEGIN {COPY}; END",
        "catalog_service_search_delete": f"AFTER DELETE ON catalog_service BEGIN {REMOVE}; END",
        "catalog_service_search_update": (
            'AFTER UPDATE OF name, keywords, "group", description ON catalog_service BEGIN '
            f"{REMOVE}; {COPY}; END"
        ),
    },
    # Not "search_document": requests have one, and the request list's search joins both.
    pg_column="service_search_document",
    pg_document=" || ".join(
        _pg_part(column, weight)
        for column, weight in (
            ("name", "A"),
            ("keywords", "A"),
            ('"group"', "B"),
            ("description", "C"),
        )
    ),
    pg_index="catalog_service_search_document",
)
create_in_migration = INDEX.create_in_migration
drop_in_migration = INDEX.drop_in_migration

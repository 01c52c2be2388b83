"""Full-text search over requests: SQLite FTS5 or PostgreSQL tsvector, behind one function.

Both index the subject and the description (objects in `search_schema`, made by migration
0005): on SQLite an FTS5 table kept in step by triggers, on PostgreSQL a stored tsvector
column ('simple' configuration: no stemming, no stop words, like FTS5's unicode61) with a
GIN index. Every word must be present as a whole word, regardless of case ("toner
cartridge" finds "Cartridge of toner"); a word ending in `*` matches as a prefix ("cart*"
finds "cartridge"). A text that is a request number (IT-000123) also finds that request.

Whole words by default because PostgreSQL's planner estimates a whole lexeme from its
statistics but guesses for a prefix, and a bad guess walks the whole table (830 ms at a
million requests for a word that is nowhere, against 0.4 ms).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from staffdesk.core.search_index import every_word_query

# The user's words only ever reach these as bound parameters.
SQLITE_MATCH = "SELECT rowid FROM requests_request_search WHERE requests_request_search MATCH %s"
POSTGRES_MATCH = "search_document @@ to_tsquery('simple', %s)"
NUMBER = re.compile(r"^[A-Za-z][A-Za-z0-9]*-\d+$")


def search_terms(text: str) -> tuple[str, str] | None:
    """What `matching(text)` binds: the full-text query in the database's syntax, and the
    text itself when it is a request number (else ""); None when `text` has no word."""
    query = every_word_query(text)
    if query is None:
        return None
    stripped = text.strip()
    return query, stripped if NUMBER.match(stripped) else ""


def matching(text: str) -> Q:
    """A filter for the requests whose subject or description holds every word of `text`."""
    terms = search_terms(text)
    if terms is None:
        return Q()
    return matching_terms(*terms)


def matching_terms(query: str, number: str) -> Q:
    """The filter of `search_terms`' result: the full-text `query`, or the request `number`."""
    if connection.vendor == "postgresql":
        found = Q(RawSQL(POSTGRES_MATCH, [query], output_field=BooleanField()))  # noqa: S611
    else:
        found = Q(pk__in=RawSQL(SQLITE_MATCH, [query]))  # noqa: S611
    if number:
        found |= Q(number__iexact=number)
    return found

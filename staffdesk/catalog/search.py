"""Full-text search over the catalog: SQLite FTS5 or PostgreSQL tsvector, behind one function.

People type what they would say ("my paycheck is wrong"), so a service matches when any of
the words is in its name, keywords, group or description, stemmed ("paychecks" finds
"paycheck"), and the services are ranked by how well they match: a word in the name or the
keywords weighs more than one in the description. Stop words ("my", "is") are dropped
before the query is built, from one list for both databases (PostgreSQL's 'english' list),
so both match the same words. A word joined by punctuation ("W-2", "e-mail") is searched as
a phrase. The last word matches as a prefix once it has three letters (unless a space
follows it), so results appear while the word is being typed.

SQLite ranks with bm25 (name 10, keywords 10, group 3, description 1); PostgreSQL with
ts_rank over the weighted document (A, A, B, C). The objects behind both are in
`search_schema`, made by migration catalog/0007.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, Value
from django.db.models.expressions import Expression, RawSQL

# PostgreSQL's tsearch_data/english.stop, the words its 'english' configuration ignores.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just
    don should now""".split()  # noqa: SIM905 - laid out as PostgreSQL's file is, to compare
)
PREFIX_MIN = 3
CHUNK = re.compile(r"\S+")
PART = re.compile(r"[^\W_]+")

# The user's words only ever reach these as bound parameters.
SQLITE_MATCH = "SELECT rowid FROM catalog_service_search WHERE catalog_service_search MATCH %s"
SQLITE_SCORE = (
    "SELECT -bm25(catalog_service_search, 10.0, 10.0, 3.0, 1.0) FROM catalog_service_search "
    'WHERE catalog_service_search MATCH %s AND rowid = "catalog_service"."id"'
)
POSTGRES_MATCH = '"catalog_service"."service_search_document" @@ to_tsquery(\'english\', %s)'
POSTGRES_SCORE = (
    'CASE WHEN "catalog_service"."service_search_document" @@ to_tsquery(\'english\', %s) '
    'THEN ts_rank("catalog_service"."service_search_document", to_tsquery(\'english\', %s)) END'
)


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, or the words of a phrase ("W-2"), maybe as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def terms(text: str) -> list[Term]:
    """The words of `text` worth looking for, stop words dropped; the last one also as a prefix."""
    found: list[Term] = []
    for chunk in CHUNK.findall(text.lower()):
        words = tuple(word for word in PART.findall(chunk) if word not in STOP_WORDS)
        if words:
            found.append(Term(words))
    if found and not text[-1:].isspace() and len(found[-1].words[-1]) >= PREFIX_MIN:
        found[-1] = Term(found[-1].words, prefix=True)
    return found


def _sqlite_query(found: list[Term]) -> str:
    def one(term: Term) -> str:
        phrase = f'"{" ".join(term.words)}"'
        return f"{phrase}*" if term.prefix else phrase

    return " OR ".join(one(term) for term in found)


def _postgres_query(found: list[Term]) -> str:
    def one(term: Term) -> str:
        words = list(term.words)
        if term.prefix:
            words[-1] += ":*"
        return f"({' <-> '.join(words)})" if len(words) > 1 else words[0]

    return " | ".join(one(term) for term in found)


def any_word_query(text: str, *, vendor: str) -> str | None:
    """The query, in `vendor`'s full-text syntax, that any word of `text` matches (as the
    catalog's search builds it); None when `text` has no word worth looking for. Other
    indexes stemmed the same way (suggestions) search with it."""
    found = terms(text)
    if not found:
        return None
    return _postgres_query(found) if vendor == "postgresql" else _sqlite_query(found)


@dataclass(frozen=True)
class Search:
    """A filter for the services matching any word, and the score that ranks them."""

    matches: Q
    score: Expression


def service_search(text: str) -> Search:
    """Match and rank services by the words of `text` (see the module's docstring)."""
    found = terms(text)
    if not found:
        return Search(matches=Q(pk__in=[]), score=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        query = _postgres_query(found)
        return Search(
            matches=Q(RawSQL(POSTGRES_MATCH, [query], output_field=BooleanField())),  # noqa: S611
            score=RawSQL(POSTGRES_SCORE, [query, query], output_field=FloatField()),  # noqa: S611
        )
    query = _sqlite_query(found)
    return Search(
        matches=Q(pk__in=RawSQL(SQLITE_MATCH, [query])),  # noqa: S611
        score=RawSQL(SQLITE_SCORE, [query], output_field=FloatField()),  # noqa: S611
    )

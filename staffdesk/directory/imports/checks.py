"""Checks both imports share: each row's basics, and references that must not lead to a cycle."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.db import models

from staffdesk.directory.imports.reading import _Row
from staffdesk.directory.imports.report import _Problems


def _check_basics(
    row: _Row,
    problems: _Problems,
    required: Iterable[str],
    model: type[models.Model],
    limited: Iterable[str],
) -> None:
    """Required values present, values no longer than their model field, no stray values."""
    if row.extra_values:
        problems.add(
            row,
            f"has {len(row.values) + row.extra_values} values but the header has "
            f"{len(row.values)} columns; put values that contain commas in double quotes",
        )
    for column in required:
        if not row[column]:
            problems.add(row, f"{column} is empty; it is required")
    for column in limited:
        field = model._meta.get_field(column)
        limit = field.max_length if isinstance(field, models.Field) else None
        if limit is not None and len(row[column]) > limit:
            problems.add(
                row, f"{column} is {len(row[column])} characters long; at most {limit} fit"
            )


def _settle_references(
    rows: list[_Row],
    problems: _Problems,
    *,
    key: str,
    reference: str,
    node: Callable[[str], Hashable],
    database_parent: Callable[[Any], Hashable | None],
    describe: Callable[[Any], str],
) -> None:
    """Mark bad each row whose reference leads to a bad row or closes a cycle, until none does.

    The graph checked is the one the import would leave behind: a good row's reference
    replaces what the database holds for it, everyone else keeps their database parent.
    Marking a row bad restores its database parent, which may close another cycle, hence
    the loop.
    """
    first_row: dict[str, _Row] = {}
    for row in rows:
        if row[key]:
            first_row.setdefault(row[key], row)
    while True:
        newly_bad = False
        for row in rows:
            target = first_row.get(row[reference]) if row[reference] else None
            if target is not None and problems.bad(target) and not problems.bad(row):
                problems.add(
                    row,
                    f"{reference} {row[reference]!r} is defined on line {target.line}, "
                    "which cannot be imported",
                )
                newly_bad = True
        good = {node(row[key]): row for row in rows if not problems.bad(row)}

        def parent(at: Hashable, good: dict[Hashable, _Row] = good) -> Hashable | None:
            if at not in good:
                return database_parent(at)
            return node(good[at][reference]) if good[at][reference] else None

        for cycle in _find_cycles(good, parent):
            path = " → ".join(describe(at) for at in [*cycle, cycle[0]])
            for at in cycle:
                if at in good:
                    problems.add(
                        good[at], f"{reference} {good[at][reference]!r} makes a cycle: {path}"
                    )
                    newly_bad = True
        if not newly_bad:
            return


def _find_cycles(
    starts: Iterable[Hashable], parent: Callable[[Hashable], Hashable | None]
) -> list[list[Hashable]]:
    """Every cycle reached by following `parent` from `starts`, each from where it closes."""
    explored: set[Hashable] = set()
    cycles = []
    for start in starts:
        path: list[Hashable] = []
        position: dict[Hashable, int] = {}
        at: Hashable | None = start
        while at is not None and at not in explored and at not in position:
            position[at] = len(path)
            path.append(at)
            at = parent(at)
        if at is not None and at in position:
            cycles.append(path[position[at] :])
        explored.update(path)
    return cycles

"""Reads that run on every request, compiled to SQL once and then run with new values.

Building and compiling a queryset costs Django 0.2-0.5 ms of Python each time, more than
running it: for a lookup by key on every API call (the token check) that is most of the
request. `PreparedRead` takes the queryset as a function of its parameters, compiles it once
per database connection with sample values, remembers where the samples landed among the
statement's parameters, and from then on only executes the SQL with the caller's values and
applies the same converters the ORM would (aware datetimes, booleans, dates on SQLite). The
SQL is the ORM's own, so the filters stay written once, as querysets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

_ON_CONNECTION = "_staffdesk_prepared_reads"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[str, int], ...]  # (parameter name, position among params)
    compiler: SQLCompiler
    converters: dict[int, Any]


class PreparedRead:
    """`build(**values)` is a `values_list` queryset; `rows(**values)` runs its SQL.

    `samples` give one value per parameter, of the field's type, that appears nowhere else in
    the statement: compiling checks that each lands exactly once among the parameters.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **samples: object) -> None:
        self._build = build
        self._samples = samples

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(**self._samples)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise ValueError("A prepared read selects only its values_list columns.")
        slots = []
        for name, sample in self._samples.items():
            positions = [i for i, p in enumerate(params) if type(p) is type(sample) and p == sample]
            if len(positions) != 1:
                raise ValueError(f"The sample for {name!r} must appear once among the parameters.")
            slots.append((name, positions[0]))
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            converters=compiler.get_converters(columns),
        )

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: object) -> list[Sequence[Any]]:
        connection = connections[using]
        # Kept on the connection (one per thread), so it goes when the connection goes.
        prepared: dict[PreparedRead, _Compiled] = connection.__dict__.setdefault(_ON_CONNECTION, {})
        compiled = prepared.get(self)
        if compiled is None:
            compiled = prepared[self] = self._compile(using)
        params = list(compiled.params)
        for name, position in compiled.slots:
            params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Sequence[Any]] = cursor.fetchall()
        if compiled.converters:
            converted = compiled.compiler.apply_converters(rows, compiled.converters)
            return [tuple(row) for row in converted]
        return rows

"""Querysets compiled once per shape and run again with new values: the ORM's SQL without
building and compiling the queryset on every request.

A hot read is written as a function that builds its queryset from `Slots`: wherever a value
of the call goes (the viewer's id, a department code, a cursor), the builder takes a
placeholder from `slots.number(name)` or `slots.text(name)` instead. `run_compiled` builds
and compiles it once per *shape* (what changes the SQL's text: which filters are given, how
many team departments the viewer has, the page size...), finds each placeholder among the
compiled parameters, and from then on only puts the call's values in their places and runs
the statement. The SQL is the ORM's own, so the rules written as querysets (`visible_to`)
stay their one definition; a placeholder the compiled statement lost (a builder that
transformed a value) is an error at the first call, not a wrong result.

Compiled statements are kept per database connection (a connection belongs to one thread),
with the compiler that made them, whose converters turn the rows into Python values as the
ORM would.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler

from staffdesk.core.ids import ID_MAX

# How many shapes a connection keeps; more are compiled again (a shape is a handful of
# filters and a page size, so a real site uses a few dozen).
MAX_SHAPES = 512
# Placeholder numbers count down from the largest id: a valid id (as `parse_id` wants one)
# that no row has and no builder writes as a constant.
_FIRST_NUMBER = ID_MAX
# Moments are instants of 1999-12-31 a few microseconds apart: no builder writes one.
_MOMENT_BASE = datetime(1999, 12, 31, tzinfo=UTC)


class Slots:
    """Placeholders for a call's values, handed to a builder."""

    def __init__(self) -> None:
        self.names: dict[object, str] = {}
        self.moments: set[str] = set()

    def number(self, name: str) -> int:
        value = _FIRST_NUMBER - len(self.names)
        self.names[value] = name
        return value

    def text(self, name: str) -> str:
        # Upper case and no LIKE wildcards: unchanged by .upper() and by LIKE escaping.
        value = f"\x00SLOT{len(self.names)}{name.upper()}\x00"
        self.names[value] = name
        return value

    def moment(self, name: str) -> datetime:
        """A placeholder for an aware datetime (a "now"); the call's value is adapted for the
        database as the ORM adapts the placeholder."""
        value = _MOMENT_BASE + timedelta(microseconds=len(self.names) + 1)
        self.names[value] = name
        self.moments.add(name)
        return value

    def derived(self, name: str, value: str) -> str:
        """A placeholder the builder turns into `value` before it reaches the SQL."""
        self.names[value] = name
        return value


@dataclass(frozen=True)
class _Compiled:
    # The statement; empty when the shape finds nothing by its form (an empty `IN` list),
    # for which Django writes no SQL.
    sql: str
    # For each parameter: (True, slot name) or (False, the constant the ORM put there).
    params: tuple[tuple[bool, Any], ...]
    compiler: SQLCompiler
    converters: dict[int, Any]
    # The slots that hold datetimes, adapted for the database on each call.
    moments: frozenset[str] = frozenset()
    # For a queryset of model instances: the model, the columns of its own fields and the
    # populators of its select_related objects, as Django's ModelIterable reads them.
    model: type[Model] | None = None
    init_list: tuple[str, ...] = ()
    own_columns: slice = field(default_factory=lambda: slice(0))
    related: tuple[Any, ...] = ()


_compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Compiled]] = (
    weakref.WeakKeyDictionary()
)


def _compile(
    build: Callable[[Slots], QuerySet[Any]], connection: BaseDatabaseWrapper, using: str
) -> _Compiled:
    slots = Slots()
    queryset = build(slots)
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Compiled(sql="", params=(), compiler=compiler, converters={})
    # A moment reaches the parameters as the database's form of it (text on SQLite).
    names = dict(slots.names)
    for value, name in slots.names.items():
        if isinstance(value, datetime):
            names[connection.ops.adapt_datetimefield_value(value)] = name
    found = {names[value] for value in params if _hashable(value) and value in names}
    if missing := [name for name in slots.names.values() if name not in found]:
        raise RuntimeError(f"placeholders {missing} are not parameters of the compiled query")
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    model_reading: dict[str, Any] = {}
    if queryset._iterable_class is ModelIterable:
        if compiler.annotation_col_map or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise ValueError("compiled querysets of instances take no annotations")
        select_fields = compiler.klass_info["select_fields"]
        own = slice(select_fields[0], select_fields[-1] + 1)
        model_reading = {
            "model": compiler.klass_info["model"],
            "own_columns": own,
            "init_list": tuple(column[0].target.attname for column in compiler.select[own]),
            # The stubs describe a later Django's signature (with fetch_mode).
            "related": tuple(
                get_related_populators(compiler.klass_info, compiler.select, using)  # type: ignore[call-arg]
            ),
        }
    return _Compiled(
        sql=sql,
        params=tuple(
            (True, names[value]) if _hashable(value) and value in names else (False, value)
            for value in params
        ),
        compiler=compiler,
        converters=compiler.get_converters(fields),
        moments=frozenset(slots.moments),
        **model_reading,
    )


def _hashable(value: object) -> bool:
    return isinstance(value, int | str | datetime) and not isinstance(value, bool)


def run_compiled(
    key: Hashable,
    build: Callable[[Slots], QuerySet[Any]],
    values: Mapping[str, Any],
    *,
    count: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> list[tuple[Any, ...]]:
    """The rows of the values_list queryset `build` makes, with `values` in its placeholders;
    with `count`, one row holding how many rows it has (`COUNT(*)` over it as a subquery).

    `key` names the shape: two calls with the same key must build the same SQL text."""
    connection = connections[using]
    shapes = _compiled.setdefault(connection, {})
    compiled = shapes.get((key, count))
    if compiled is None:
        if len(shapes) >= MAX_SHAPES:
            shapes.clear()
        compiled = shapes[(key, count)] = _compile(build, connection, using)
    if not compiled.sql:
        return [(0,)] if count else []
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (adapt(values[item]) if item in compiled.moments else values[item]) if is_slot else item
        for is_slot, item in compiled.params
    ]
    # The ORM wrote compiled.sql; the call's values are only ever parameters.
    sql = f"SELECT COUNT(*) FROM ({compiled.sql}) counted" if count else compiled.sql  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if compiled.converters and not count:
        rows = [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
    return rows


def run_compiled_instances(
    key: Hashable,
    build: Callable[[Slots], QuerySet[Any]],
    values: Mapping[str, Any],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> list[Any]:
    """The model instances of the queryset `build` makes (its select_related objects too,
    no prefetches or annotations), with `values` in its placeholders."""
    connection = connections[using]
    rows = run_compiled(("instances", key), build, values, using=using)
    compiled = _compiled[connection][(("instances", key), False)]
    model = compiled.model
    if model is None:
        raise ValueError("the queryset reads rows, not instances: use run_compiled")
    instances = []
    for row in rows:
        instance = model.from_db(using, list(compiled.init_list), row[compiled.own_columns])
        for populator in compiled.related:
            populator.populate(row, instance)
        instances.append(instance)
    return instances

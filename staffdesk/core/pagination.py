"""Keyset (cursor) pagination: stable under inserts and constant-cost at any depth."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet

from staffdesk.core.errors import ValidationFailed
from staffdesk.core.ids import ID_MAX, parse_id

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list and the cursor of the next one (None at the end)."""

    items: list[Any]
    next_cursor: str | None
    previous_cursor: str | None = None


@dataclass(frozen=True)
class Total:
    """How many rows a list holds, counted up to a cap: `more` says there are more than `count`."""

    count: int
    more: bool = False


def count_up_to(queryset: QuerySet, *, cap: int) -> Total:
    """Count the rows, but read at most `cap + 1` of them (a LIMITed subquery): a list of a
    million rows then costs what one of `cap` does, and says "more than `cap`"."""
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return Total(count=min(found, cap), more=found > cap)


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"before_id": last_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        before_id = parse_id(data["before_id"])
        if before_id is None:
            raise ValueError(data["before_id"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "The cursor is not valid; use the next_cursor value from a previous page.",
            errors={"cursor": ["not a cursor returned by this API"]},
        ) from exc
    return before_id


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_PAGE_SIZE}.",
            errors={"limit": [f"must be between 1 and {MAX_PAGE_SIZE}"]},
        )


def paginate_by_id(queryset: QuerySet, *, cursor: str | None, limit: int) -> Page:
    """Newest first by primary key; fetches one extra row to know whether a next page exists."""
    check_limit(limit)
    queryset = queryset.order_by("-id")
    if cursor:
        queryset = queryset.filter(id__lt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


# Keyset pagination over any sort key. A cursor names the sort it belongs to, the key values
# of the row it starts from and the direction, so "previous" costs the same as "next".


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        "This page link is no longer valid; start again from the first page.",
        errors={"cursor": ["not a cursor of this list and sort order"]},
    )


def _key_fields(model: type[Model], keys: Sequence[str]) -> list[Any]:
    fields = []
    for key in keys:
        try:
            field = model._meta.get_field(key.removeprefix("-"))
        except FieldDoesNotExist as exc:
            raise ValueError(f"{key!r} is not a field of {model.__name__}") from exc
        if field.null:
            raise ValueError(f"keyset key {key!r} must not be nullable")
        fields.append(field)
    return fields


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _encode_keyset(keys: Sequence[str], fields: list[Any], row: Any, direction: str) -> str:
    values = [_plain(field.value_from_object(row)) for field in fields]
    raw = json.dumps({"keys": list(keys), "values": values, "dir": direction}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_keyset(cursor: str, keys: Sequence[str], fields: list[Any]) -> tuple[list[Any], str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["keys"] != list(keys) or data["dir"] not in ("next", "previous"):
            raise _invalid_cursor()
        raw_values = data["values"]
        if not isinstance(raw_values, list) or len(raw_values) != len(fields):
            raise _invalid_cursor()
        values = [field.to_python(value) for field, value in zip(fields, raw_values, strict=True)]
    except (
        binascii.Error,
        ValueError,
        KeyError,
        TypeError,
        UnicodeDecodeError,
        DjangoValidationError,
    ) as exc:
        raise _invalid_cursor() from exc
    # A number past what the database holds would be an OverflowError, not an empty page.
    if any(value is None or (isinstance(value, int) and abs(value) > ID_MAX) for value in values):
        raise _invalid_cursor()
    return values, data["dir"]


def _beyond(keys: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order `keys`: (k1 > v1) or (k1 = v1 and k2 > v2)..."""
    clauses = []
    for position, key in enumerate(keys):
        equal = {k.removeprefix("-"): v for k, v in zip(keys[:position], values, strict=False)}
        lookup = "lt" if key.startswith("-") else "gt"
        clauses.append(Q(**equal, **{f"{key.removeprefix('-')}__{lookup}": values[position]}))
    return reduce(or_, clauses)


def _reversed(keys: Sequence[str]) -> list[str]:
    return [key.removeprefix("-") if key.startswith("-") else f"-{key}" for key in keys]


def paginate_by_keys(
    queryset: QuerySet, *, keys: Sequence[str], cursor: str | None, limit: int
) -> Page:
    """One page in the order of `keys` (field names, "-" for descending), after or before a cursor.

    The keys must be non-null fields of the model and end with a unique one (the id), so the
    order is total: no row is skipped or repeated across pages, whatever is inserted meanwhile.
    One query per page, one extra row fetched to know whether there is more.
    """
    check_limit(limit)
    fields = _key_fields(queryset.model, keys)
    if not cursor:
        rows = list(queryset.order_by(*keys)[: limit + 1])
        items = rows[:limit]
        has_next = len(rows) > limit
        return Page(
            items=items,
            next_cursor=_encode_keyset(keys, fields, items[-1], "next") if has_next else None,
        )
    values, direction = _decode_keyset(cursor, keys, fields)
    if direction == "next":
        rows = list(queryset.filter(_beyond(keys, values)).order_by(*keys)[: limit + 1])
        items = rows[:limit]
        has_next, has_previous = len(rows) > limit, True
    else:
        backwards = _reversed(keys)
        rows = list(queryset.filter(_beyond(backwards, values)).order_by(*backwards)[: limit + 1])
        items = rows[:limit][::-1]
        has_next, has_previous = True, len(rows) > limit
    return Page(
        items=items,
        next_cursor=_encode_keyset(keys, fields, items[-1], "next") if has_next and items else None,
        previous_cursor=_encode_keyset(keys, fields, items[0], "previous")
        if has_previous and items
        else None,
    )


def next_page_cursor(model: type[Model], keys: Sequence[str], row: Any) -> str:
    """The cursor `paginate_by_keys` gives for the page after `row` (any object with the
    keys' attributes: a model instance or a row read without the ORM)."""
    return _encode_keyset(keys, _key_fields(model, keys), row, "next")

"""Keyset (cursor) pagination: stable under inserts and constant-cost at any depth."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from staffdesk.core.errors import ValidationFailed

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list and the cursor of the next one (None at the end)."""

    items: list[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"before_id": last_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        before_id = int(data["before_id"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "The cursor is not valid; use the next_cursor value from a previous page.",
            errors={"cursor": ["not a cursor returned by this API"]},
        ) from exc
    return before_id


def paginate_by_id(queryset: QuerySet, *, cursor: str | None, limit: int) -> Page:
    """Newest first by primary key; fetches one extra row to know whether a next page exists."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_PAGE_SIZE}.",
            errors={"limit": [f"must be between 1 and {MAX_PAGE_SIZE}"]},
        )
    queryset = queryset.order_by("-id")
    if cursor:
        queryset = queryset.filter(id__lt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1].id) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)

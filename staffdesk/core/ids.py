"""What can be a primary key: the bound the databases set, shared by every adapter."""

from __future__ import annotations

# The largest primary key the databases hold (a signed 64-bit integer on PostgreSQL and SQLite);
# a larger number sent to a query is an OverflowError, not "no such row".
ID_MAX = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The primary key that text or a number names, or None when it cannot name one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, int) and 1 <= value <= ID_MAX:
        return value
    return None


class IdConverter:
    """`<id:name>` in a URL: a primary key; a longer number matches no URL (a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        if (found := parse_id(value)) is None:
            raise ValueError(value)  # Django's cue that the path does not match
        return found

    def to_url(self, value: int) -> str:
        return str(value)

"""Input types the API adapters share: ids and other bounded whole numbers, strings and text.

Every id, count and string a caller sends is one of these, so an out-of-range number or a NUL
character is a 422 naming the field instead of an error from the database, and `true` is not
the number 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError

from staffdesk.core.ids import ID_MAX
from staffdesk.core.pagination import MAX_PAGE_SIZE
from staffdesk.core.text import normalise_texts

# A value as JSON holds it: what a JSONField stores, a document an adapter renders.
JSON: TypeAlias = str | int | float | bool | list["JSON"] | dict[str, "JSON"] | None


def _not_a_bool(value: Any) -> Any:
    # JSON `true` would otherwise pass as 1: pydantic's lax mode reads a bool as an integer.
    if isinstance(value, bool):
        raise PydanticCustomError("int_not_bool", "must be a whole number, not true or false")
    return value


@dataclass(frozen=True)
class _Range:
    """States the range in the JSON schema (a `Field` here would also carry a default)."""

    low: int
    high: int

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(schema), "minimum": self.low, "maximum": self.high}


def bounded_int(low: int, high: int) -> Any:
    """A whole number from `low` to `high`; the OpenAPI document states the range.

    Query and path values arrive as text and are read as numbers ("12" is 12); in a JSON
    body a boolean is refused.
    """

    def in_range(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError(
                "int_range",
                "must be a whole number from {low} to {high}",
                {"low": low, "high": high},
            )
        return value

    return Annotated[
        int,
        BeforeValidator(_not_a_bool),
        AfterValidator(in_range),
        _Range(low, high),
    ]


if TYPE_CHECKING:
    # To the checker these are whole numbers; pydantic reads the bounds of `bounded_int`.
    Id = int
    PageSize = int
else:
    Id = bounded_int(1, ID_MAX)
    PageSize = bounded_int(1, MAX_PAGE_SIZE)


def _no_nul(value: str) -> str:
    # PostgreSQL holds no NUL in text, nor takes one as a query parameter (a DataError, a 500).
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "must not contain the NUL character (\\u0000)")
    return value


# Every string a caller sends: a code, a number like IT-000001, a search, a cursor.
String = Annotated[str, AfterValidator(_no_nul)]
# User text: `\n` only, before any length is checked (see core.text).
Text = Annotated[str, BeforeValidator(normalise_texts), AfterValidator(_no_nul)]

"""A question's limits in words: under the input, in Open311's `datatype_description`, and
in the message that refuses an answer beyond them."""

from __future__ import annotations

from decimal import Decimal

from staffdesk.catalog.models import FormField

Datatype = FormField.Datatype
# The most any answer of these datatypes may hold, whatever the question says.
STRING_MAX = 255
TEXT_MAX = 10_000


def number_text(value: Decimal) -> str:
    """1, 2.5, 1,000: no trailing zeros from the stored four decimals."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    return f"{normal:,f}"


def length_limit(field: FormField) -> int:
    """The longest text answer accepted: the question's limit within the datatype's."""
    ceiling = STRING_MAX if field.datatype == Datatype.STRING else TEXT_MAX
    return min(field.max_length, ceiling) if field.max_length else ceiling


def _number_limit(field: FormField) -> str:
    kind = "A whole number" if field.whole_number else "A number"
    low, high = field.min_value, field.max_value
    if low is not None and high is not None:
        return f"{kind} from {number_text(low)} to {number_text(high)}"
    if low is not None:
        return f"{kind} of at least {number_text(low)}"
    if high is not None:
        return f"{kind} of at most {number_text(high)}"
    return kind if field.whole_number else ""


def _moment_limit(field: FormField) -> str:
    if field.within_days and field.not_in_past:
        return f"A date and time from now to {field.within_days} days ahead"
    if field.within_days:
        return f"A date and time at most {field.within_days} days ahead"
    if field.not_in_past:
        return "A date and time not in the past"
    return ""


def limit_text(field: FormField) -> str:
    """What the question accepts beyond its datatype, as a phrase; empty when nothing."""
    match field.datatype:
        case Datatype.NUMBER:
            return _number_limit(field)
        case Datatype.DATETIME:
            return _moment_limit(field)
        case Datatype.STRING | Datatype.TEXT if field.max_length:
            return f"At most {length_limit(field):,} characters"
        case Datatype.PERSON:
            return "A person: their username or email"
    return ""

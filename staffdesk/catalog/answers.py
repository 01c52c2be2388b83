"""Server-side validation of the answers to a service's request form."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from staffdesk.catalog.models import FormField
from staffdesk.core.errors import ValidationFailed

STRING_MAX = 255
TEXT_MAX = 10_000
Datatype = FormField.Datatype


class _Invalid(Exception):
    pass


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def _clean_string(field: FormField, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be text")
    value = value.strip()
    if "\x00" in value:  # PostgreSQL stores no NUL, in text or JSON
        raise _Invalid("must not contain the NUL character")
    if len(value) > limit:
        raise _Invalid(f"must be at most {limit} characters (got {len(value)})")
    return value


def _clean_number(field: FormField, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Invalid("must be a number")
    if isinstance(value, int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:
            raise _Invalid(f"must be a number, not {value!r}") from exc
    else:
        raise _Invalid("must be a number")
    if not number.is_finite() or not math.isfinite(float(number)):
        raise _Invalid("must be a finite number")
    return int(number) if number == number.to_integral_value() else float(number)


def _clean_datetime(field: FormField, value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a date and time such as 2026-03-01T09:30")
    try:
        parsed: datetime | None = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise _Invalid(f"must be a date and time such as 2026-03-01T09:30, not {value!r}")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return parsed.astimezone(ZoneInfo("UTC")).isoformat()


def _clean_single(field: FormField, value: Any) -> str:
    if isinstance(value, list):
        if len(value) != 1:
            raise _Invalid("choose exactly one value")
        value = value[0]
    key = str(value)
    if key not in field.allowed_keys:
        raise _Invalid(f"{key!r} is not one of: {', '.join(field.allowed_keys)}")
    return key


def _clean_multi(field: FormField, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    keys = [str(item) for item in values]
    unknown = [key for key in keys if key not in field.allowed_keys]
    if unknown:
        raise _Invalid(
            f"{', '.join(map(repr, unknown))} not among: {', '.join(field.allowed_keys)}"
        )
    return list(dict.fromkeys(keys))


def _clean(field: FormField, value: Any) -> Any:
    match field.datatype:
        case Datatype.STRING:
            return _clean_string(field, value, STRING_MAX)
        case Datatype.TEXT:
            return _clean_string(field, value, TEXT_MAX)
        case Datatype.NUMBER:
            return _clean_number(field, value)
        case Datatype.DATETIME:
            return _clean_datetime(field, value)
        case Datatype.SINGLEVALUELIST:
            return _clean_single(field, value)
        case Datatype.MULTIVALUELIST:
            return _clean_multi(field, value)
    raise _Invalid(f"has an unknown datatype {field.datatype!r}")


def answers_validate(*, fields: Iterable[FormField], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the cleaned answers keyed by field code, or raise ValidationFailed naming each bad field.

    Errors are keyed `answers.<code>`. Unknown codes are refused rather than dropped, so a
    caller with a stale form learns about it.
    """
    if not isinstance(answers, Mapping):
        raise ValidationFailed(
            "answers must be an object keyed by field code.", errors={"answers": ["not an object"]}
        )
    fields = list(fields)
    known = {field.code for field in fields}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for code in answers:
        if code not in known:
            errors[f"answers.{code}"] = [f"this service has no field {code!r}"]
    for field in fields:
        value = answers.get(field.code)
        if _is_blank(value):
            if field.required:
                errors[f"answers.{field.code}"] = [f"{field.label}: this answer is required"]
            continue
        try:
            cleaned[field.code] = _clean(field, value)
        except _Invalid as exc:
            errors[f"answers.{field.code}"] = [f"{field.label}: {exc}"]
    if errors:
        raise ValidationFailed(
            "Some answers need fixing: " + "; ".join(sorted(errors)), errors=errors
        )
    return cleaned

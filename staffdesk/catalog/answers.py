"""Server-side validation of the answers to a service's request form."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from staffdesk.catalog.display import STRING_MAX, TEXT_MAX, length_limit, limit_text, number_text
from staffdesk.catalog.models import FormField
from staffdesk.core import clock
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.ids import parse_id
from staffdesk.directory.selectors import access_person, person_find
from staffdesk.directory.types import Viewer

__all__ = ["STRING_MAX", "TEXT_MAX", "answers_validate"]
Datatype = FormField.Datatype


@dataclass(frozen=True)
class _Context:
    """What some answers are judged against: the moment of filing, and who files (the people
    a person answer may name are those they may see)."""

    now: datetime
    user: Viewer


class _Invalid(Exception):
    pass


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def _clean_string(field: FormField, value: Any) -> str:
    limit = length_limit(field)
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
    _check_number_limits(field, number)
    return int(number) if number == number.to_integral_value() else float(number)


def _check_number_limits(field: FormField, number: Decimal) -> None:
    """Refuse a number outside the question's limits, saying all of them ("a whole number
    from 1 to 20, not -3")."""
    fraction = field.whole_number and number != number.to_integral_value()
    low = field.min_value is not None and number < field.min_value
    high = field.max_value is not None and number > field.max_value
    if fraction or low or high:
        raise _Invalid(f"must be {_lowercase_first(limit_text(field))}, not {number_text(number)}")


def _lowercase_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _check_moment_limits(field: FormField, moment: datetime, context: _Context) -> None:
    """A date before filing, or further ahead than the question allows, is refused."""
    local = ZoneInfo(settings.TIME_ZONE)
    shown = f"{moment.astimezone(local):%Y-%m-%d %H:%M}"
    if field.not_in_past and moment < context.now:
        raise _Invalid(f"must not be in the past, not {shown}")
    if field.within_days and moment > context.now + timedelta(days=field.within_days):
        latest = context.now + timedelta(days=field.within_days)
        raise _Invalid(
            f"must be at most {field.within_days} days ahead (by {latest.astimezone(local):%Y-%m-%d}),"
            f" not {shown}"
        )


def _clean_person(field: FormField, value: Any, context: _Context) -> int:
    """The id of the active person named by an id (the API's), a username or an email (what a
    person types without the picker), or a name only one person has."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Invalid("must be a person: their username or email")
    try:
        if isinstance(value, str):
            person = person_find(user=context.user, text=value)
        elif (person_id := parse_id(str(value))) is not None:
            person = access_person(user=context.user, person_id=person_id)
        else:
            raise NotFound(f"No person with id {value}.")
    except NotFound as exc:
        raise _Invalid(f"nobody with id {value} is in the directory") from exc
    except ValidationFailed as exc:
        raise _Invalid(_lowercase_first(exc.message)) from exc
    if not person.is_active:
        raise _Invalid(f"{person.display_name} is a former employee")
    return person.pk


def _clean_datetime(field: FormField, value: Any, context: _Context) -> str:
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
    _check_moment_limits(field, parsed, context)
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


def _clean(field: FormField, value: Any, context: _Context) -> Any:
    match field.datatype:
        case Datatype.STRING | Datatype.TEXT:
            return _clean_string(field, value)
        case Datatype.NUMBER:
            return _clean_number(field, value)
        case Datatype.DATETIME:
            return _clean_datetime(field, value, context)
        case Datatype.PERSON:
            return _clean_person(field, value, context)
        case Datatype.SINGLEVALUELIST:
            return _clean_single(field, value)
        case Datatype.MULTIVALUELIST:
            return _clean_multi(field, value)
    raise _Invalid(f"has an unknown datatype {field.datatype!r}")


def answers_validate(
    *,
    fields: Iterable[FormField],
    answers: Mapping[str, Any],
    user: Viewer | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the cleaned answers keyed by field code, or raise ValidationFailed naming each bad field.

    Errors are keyed `answers.<code>`. Unknown codes are refused rather than dropped, so a
    caller with a stale form learns about it. Each question's limits (numbers, lengths,
    dates) are checked against `now`, the moment of filing; a person answer is stored as the
    person's id, found among the people `user` (who files) may see.
    """
    context = _Context(now=clock.resolve(now), user=user if user is not None else AnonymousUser())
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
            cleaned[field.code] = _clean(field, value, context)
        except _Invalid as exc:
            errors[f"answers.{field.code}"] = [f"{field.label}: {exc}"]
    if errors:
        raise ValidationFailed(
            "Some answers need fixing: " + "; ".join(sorted(errors)), errors=errors
        )
    return cleaned

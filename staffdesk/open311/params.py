"""Open311 parameters (query strings and form-encoded bodies) read into typed values.

Errors are collected under the parameter's Open311 name, so one response can name them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import Service
from staffdesk.core.errors import ValidationFailed
from staffdesk.open311.selectors import MAX_RESULTS, STATUS_GROUPS, RequestQuery
from staffdesk.requests.services import Location

DESCRIPTION_MAX = 4000  # the spec's limit
MEDIA_URL_MAX = 500
# `attribute[CODE]=v`, and `attribute[CODE][]=v` repeated for a multivaluelist.
ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?P<many>\[\])?$")
# The spec: "may contain line breaks, but not html or code". A tag or comment is refused
# rather than stripped, so the client learns its text was not taken as written.
HTML = re.compile(r"<[a-zA-Z/!?][^>]*>")

Errors = dict[str, list[str]]


def param(request: HttpRequest, name: str) -> str:
    """A parameter from a form body or else the query string (api_key, jurisdiction_id)."""
    if request.method == "POST" and name in request.POST:
        return request.POST.get(name, "")
    return request.GET.get(name, "")


def _listed(data: QueryDict, name: str) -> list[str]:
    """A comma-delimited parameter, which may also be given several times."""
    return [
        item.strip() for value in data.getlist(name) for item in value.split(",") if item.strip()
    ]


def _moment(data: QueryDict, name: str, errors: Errors) -> datetime | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.combine(day, time())
    except ValueError:
        parsed = None
    if parsed is None:
        errors[name] = [f"not a W3C date and time such as 2026-03-01T09:30:00Z: {value!r}"]
        return None
    # A time without an offset is read in the organization's time zone.
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _whole(data: QueryDict, name: str, default: int, low: int, high: int, errors: Errors) -> int:
    value = data.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        errors[name] = [f"a whole number from {low} to {high}, not {value!r}"]
        return default
    return int(value)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(
            "Invalid parameters: "
            + "; ".join(f"{name}: {msgs[0]}" for name, msgs in errors.items()),
            errors=errors,
        )


def flag(data: QueryDict, name: str) -> bool:
    return data.get(name, "").strip().lower() in {"true", "1", "yes"}


def request_query(data: QueryDict) -> RequestQuery:
    """GET requests' parameters; ValidationFailed names every bad one."""
    errors: Errors = {}
    statuses = [status.lower() for status in _listed(data, "status")]
    if unknown := [status for status in statuses if status not in STATUS_GROUPS]:
        errors["status"] = [f"open or closed, not {', '.join(map(repr, unknown))}"]
    query = RequestQuery(
        ids=tuple(_listed(data, "service_request_id")),
        service_codes=tuple(_listed(data, "service_code")),
        start=_moment(data, "start_date", errors),
        end=_moment(data, "end_date", errors),
        statuses=tuple(dict.fromkeys(statuses)),
        page=_whole(data, "page", 1, 1, 1_000_000, errors),
        page_size=_whole(data, "page_size", MAX_RESULTS, 1, MAX_RESULTS, errors),
        extensions=flag(data, "extensions"),
    )
    _raise(errors)
    return query


@dataclass(frozen=True)
class Submission:
    """What POST requests carries, read and checked for form; the filing service decides the rest."""

    service_code: str
    answers: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    email: str = ""
    media_url: str = ""
    location: Location = field(default_factory=Location)
    errors: Errors = field(default_factory=dict)


def _answers(data: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match is None:
            continue
        values = data.getlist(key)
        code = match["code"]
        if match["many"] or len(values) > 1 or isinstance(answers.get(code), list):
            # An empty item is what a form sends for a list with nothing chosen.
            chosen = [value for value in values if value.strip()]
            previous = answers.get(code, [])
            answers[code] = (previous if isinstance(previous, list) else [previous]) + chosen
        else:
            answers[code] = values[0]
    return answers


def _coordinate(data: QueryDict, name: str, errors: Errors) -> float | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        errors[name] = [f"a number of degrees (WGS84), not {value!r}"]
        return None


def submission(data: QueryDict) -> Submission:
    """POST requests' form. Problems are kept in `errors`, to be reported together with the
    answers' once the service is known."""
    errors: Errors = {}
    service_code = data.get("service_code", "").strip()
    if not service_code:
        errors["service_code"] = ["required"]
    description = data.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            f"at most {DESCRIPTION_MAX:,} characters (got {len(description):,})"
        ]
    elif HTML.search(description):
        errors["description"] = ["plain text only: line breaks are fine, HTML is not"]
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            if len(media_url) > MEDIA_URL_MAX:
                raise ValidationError("too long")
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = [f"an http(s) URL of at most {MEDIA_URL_MAX} characters"]
            media_url = ""
    location = Location(
        location=data.get("address_string", "").strip(),
        latitude=_coordinate(data, "lat", errors),
        longitude=_coordinate(data, "long", errors),
        address_id=data.get("address_id", "").strip(),
    )
    return Submission(
        service_code=service_code,
        answers=_answers(data),
        description=description,
        email=data.get("email", "").strip(),
        media_url=media_url,
        location=location,
        errors=errors,
    )


def check_submission(form: Submission, *, service: Service) -> None:
    """Refuse a form with problems, naming the answers' problems too, so the caller fixes
    everything in one go (the filing service would stop at the form and never see them)."""
    if not form.errors:
        return
    errors = dict(form.errors)
    try:
        answers_validate(fields=service.fields.all(), answers=form.answers)
    except ValidationFailed as exc:
        errors |= exc.errors
    _raise(errors)

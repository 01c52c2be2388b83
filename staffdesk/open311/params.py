"""Open311 parameters (query strings and form-encoded bodies) read into typed values.

Errors are collected under the parameter's Open311 name, so one response can name them all.
Nothing a client sends is dropped without a word: a parameter is read, or documented as
accepted and not used (docs/open311.md), or refused with a 400 that names it.
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
from staffdesk.core.text import normalise_newlines
from staffdesk.directory.models import Person
from staffdesk.open311.selectors import (
    MAX_RESULTS,
    STATUS_GROUPS,
    RequestQuery,
    UpdateQuery,
)
from staffdesk.requests.services import Location

DESCRIPTION_MAX = 4000  # the spec's limit
MEDIA_URL_MAX = 500
UPDATE_ID_MAX = 100
# The encodings of an answer that clients send: `attribute[CODE]=v` (repeated for several
# values, as Python's and Perl's form encoders do), `attribute[CODE][]=v` (the spec's, and
# jQuery's and Rails'), `attribute[CODE][0]=v` (PHP's http_build_query and Node's qs).
ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?:\[(?P<index>\d*)\])?$")

# In an endpoint's parameters: it takes answers as `attribute[…]` keys (read by `_answers`).
ATTRIBUTES = "attribute[CODE]"
# GET requests reads every value of these (comma-delimited or repeated); any other parameter
# given twice is refused, since only one of its values could be used.
REPEATABLE = frozenset({"service_request_id", "service_code", "status"})
# Every endpoint reads these; `_` is the cache-buster jQuery and others append to a GET.
COMMON = frozenset({"api_key", "jurisdiction_id", "_"})
REQUEST_LIST = frozenset(
    {
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
        "extensions",
    }
)
REQUEST_ONE = frozenset({"extensions"})
# The spec's POST requests arguments. first_name,
# last_name, phone, device_id and account_id are accepted and not used: the directory is the
# truth about people.
SUBMISSION = frozenset(
    {
        "service_code",
        "lat",
        "long",
        "address_string",
        "address_id",
        "email",
        "device_id",
        "deviceid",  # FixMyStreet's spelling, with use_service_as_deviceid
        "account_id",
        "first_name",
        "last_name",
        "phone",
        "description",
        "media_url",
        ATTRIBUTES,
    }
)
UPDATE_LIST = frozenset({"start_date", "end_date", "page", "page_size"})
# What FixMyStreet's Open311.pm posts as a comment (perllib/Open311.pm,
# _populate_service_request_update_params; update_id_ext and service_request_id_ext are its
# older names). The person fields and FixMyStreet's own flags are accepted and not used.
UPDATE_POST = frozenset(
    {
        "service_request_id",
        "service_request_id_ext",
        "update_id",
        "update_id_ext",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "email",
        "first_name",
        "last_name",
        "phone",
        "title",
        "email_alerts_requested",
        "public_anonymity_required",
    }
)
# mySociety's statuses (FixMyStreet sends them when its extended statuses are on, else OPEN
# or CLOSED), by what each says about the request.
CLIENT_STATUSES = {
    **dict.fromkeys(("OPEN", "REOPEN", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING"), "open"),
    **dict.fromkeys(
        (
            "CLOSED",
            "FIXED",
            "DUPLICATE",
            "NOT_COUNCILS_RESPONSIBILITY",
            "NO_FURTHER_ACTION",
            "INTERNAL_REFERRAL",
        ),
        "closed",
    ),
}

Errors = dict[str, list[str]]


def param(request: HttpRequest, name: str) -> str:
    """A parameter from a form body or else the query string (api_key, jurisdiction_id)."""
    if request.method == "POST" and name in request.POST:
        return request.POST.get(name, "")
    return request.GET.get(name, "")


def normalised(data: QueryDict) -> QueryDict:
    """Every value with its line breaks as `\\n`: browser forms send CRLF, and a description
    is counted and stored as typed (the JSON and XML renderings then agree)."""
    copy = QueryDict(mutable=True)
    for key, values in data.lists():
        copy.setlist(key, [normalise_newlines(value) for value in values])
    return copy


def refuse_nul(request: HttpRequest) -> None:
    """A NUL character in any parameter is a 400 naming it, before anything reads it: text
    never holds one, and PostgreSQL takes none (not even to look a key up)."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    errors: Errors = {}
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\u0000")
                errors[shown] = ["must not contain the NUL character (\\u0000)"]
    _raise(errors)


def check_known(request: HttpRequest, known: frozenset[str]) -> None:
    """Refuse parameters this endpoint does not read, so a client learns that a filter or a
    field it sent was not applied rather than getting an answer that ignores it.

    Open311 servers each add their own parameters (the spec leaves filtering to them), so
    one a client carries over from another city's endpoint is named back, never dropped.
    """
    taken = COMMON | known
    attributes = ATTRIBUTES in known
    errors: Errors = {}
    body = request.POST if request.method == "POST" else request.GET
    repeatable = REPEATABLE & known if request.method in ("GET", "HEAD") else frozenset()
    for name in body:
        if attributes and (name == "attribute" or name.startswith("attribute[")):
            continue  # read, and refused when malformed, by `_answers`
        if name not in taken:
            errors[name] = [f"not a parameter of this endpoint; it takes {_listing(known)}"]
        elif name not in repeatable and len(body.getlist(name)) > 1:
            errors[name] = [f"given {len(body.getlist(name))} times; send it once"]
    if request.method == "POST":
        for name in request.GET:
            if name not in COMMON and name not in errors:
                errors[name] = [
                    "in the query string of a POST only api_key and jurisdiction_id are read; "
                    "send it in the form body"
                ]
    _raise(errors)


def _listing(known: frozenset[str]) -> str:
    return ", ".join([*sorted(known), "api_key", "jurisdiction_id"])


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


def update_query(data: QueryDict) -> UpdateQuery:
    """GET servicerequestupdates' parameters: the window on updated_datetime, and paging."""
    errors: Errors = {}
    query = UpdateQuery(
        start=_moment(data, "start_date", errors),
        end=_moment(data, "end_date", errors),
        page=_whole(data, "page", 1, 1, 1_000_000, errors),
        page_size=_whole(data, "page_size", MAX_RESULTS, 1, MAX_RESULTS, errors),
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


def _answers(data: QueryDict, errors: Errors) -> dict[str, Any]:
    """The answers in any of the encodings clients use; a key in another shape is refused
    (`attribute[CODE][][]`, `attribute[CODE][x]`, `attribute[]`), as is one answer sent in
    two encodings at once."""
    plain: dict[str, list[str]] = {}
    listed: dict[str, list[str]] = {}
    indexed: dict[str, dict[int, list[str]]] = {}
    for key, values in data.lists():
        if key != "attribute" and not key.startswith("attribute["):
            continue
        match = ATTRIBUTE.match(key)
        if match is None:
            errors[key] = [
                "not an answer staffdesk can read; send attribute[CODE]=value, "
                "attribute[CODE][]=value or attribute[CODE][0]=value"
            ]
            continue
        code, index = match["code"], match["index"]
        if index is None:
            plain[code] = values
        elif index == "":
            listed[code] = values
        else:
            indexed.setdefault(code, {})[int(index)] = values
    answers: dict[str, Any] = {}
    for code in dict.fromkeys([*plain, *listed, *indexed]):
        forms = [
            name for name, found in (("", plain), ("[]", listed), ("[0]", indexed)) if code in found
        ]
        if len(forms) > 1:
            errors[f"attribute[{code}]"] = [
                "sent as "
                + " and ".join(f"attribute[{code}]{form}" for form in forms)
                + "; use one encoding"
            ]
            continue
        if code in plain and len(plain[code]) == 1:
            answers[code] = plain[code][0]
            continue
        if code in indexed:
            if twice := sorted(i for i, values in indexed[code].items() if len(values) > 1):
                errors[f"attribute[{code}][{twice[0]}]"] = ["given more than once"]
                continue
            values = [indexed[code][i][0] for i in sorted(indexed[code])]
        else:
            values = plain.get(code) or listed[code]
        # An empty item is what a form sends for a list with nothing chosen.
        answers[code] = [value for value in values if value.strip()]
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


def _media_url(data: QueryDict, errors: Errors) -> str:
    media_url = data.get("media_url", "").strip()
    if not media_url:
        return ""
    try:
        if len(media_url) > MEDIA_URL_MAX:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(media_url)
    except ValidationError:
        errors["media_url"] = [f"an http(s) URL of at most {MEDIA_URL_MAX} characters"]
        return ""
    return media_url


def submission(data: QueryDict) -> Submission:
    """POST requests' form. Problems are kept in `errors`, to be reported together with the
    answers' once the service is known.

    The description is text, never markup: angle brackets ("Sign says <STOP>") are kept as
    written and every rendering escapes them (XML by its writer, JSON as \\u003c, the web
    pages by the template engine), so nothing is refused or stripped for looking like HTML.
    """
    data = normalised(data)
    errors: Errors = {}
    service_code = data.get("service_code", "").strip()
    if not service_code:
        errors["service_code"] = ["required"]
    description = data.get("description", "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            f"at most {DESCRIPTION_MAX:,} characters (got {len(description):,})"
        ]
    location = Location(
        location=data.get("address_string", "").strip(),
        latitude=_coordinate(data, "lat", errors),
        longitude=_coordinate(data, "long", errors),
        address_id=data.get("address_id", "").strip(),
    )
    return Submission(
        service_code=service_code,
        answers=_answers(data, errors),
        description=description,
        email=data.get("email", "").strip(),
        media_url=_media_url(data, errors),
        location=location,
        errors=errors,
    )


def check_submission(form: Submission, *, service: Service, requester: Person) -> None:
    """Refuse a form with problems, naming the answers' problems too, so the caller fixes
    everything in one go (the filing service would stop at the form and never see them)."""
    if not form.errors:
        return
    errors = dict(form.errors)
    try:
        answers_validate(fields=service.fields.all(), answers=form.answers, user=requester)
    except ValidationFailed as exc:
        errors |= exc.errors
    _raise(errors)


@dataclass(frozen=True)
class UpdatePost:
    """A comment posted to servicerequestupdates, as FixMyStreet sends one."""

    service_request_id: str
    update_id: str
    description: str
    email: str = ""
    status: str = ""  # "open", "closed", or "" when the client gave none
    client_status: str = ""  # as sent, e.g. FIXED
    client_datetime: datetime | None = None
    media_url: str = ""


def update_post(data: QueryDict) -> UpdatePost:
    """POST servicerequestupdates' form; ValidationFailed names every bad parameter."""
    data = normalised(data)
    errors: Errors = {}
    service_request_id = data.get("service_request_id", "").strip()
    if not service_request_id:
        errors["service_request_id"] = ["required"]
    # Open311.pm sends update_id (update_id_ext before); either is the client's own id,
    # which makes a retry safe.
    update_id = data.get("update_id", "").strip()
    older = data.get("update_id_ext", "").strip()
    if update_id and older and update_id != older:
        errors["update_id_ext"] = [f"differs from update_id ({update_id!r}); send one id"]
    update_id = update_id or older
    if not update_id:
        errors["update_id"] = ["required: the client's id of the comment, so a retry is safe"]
    elif len(update_id) > UPDATE_ID_MAX:
        errors["update_id"] = [f"at most {UPDATE_ID_MAX} characters"]
    client_status = data.get("status", "").strip()
    status = CLIENT_STATUSES.get(client_status.upper().replace(" ", "_"), "")
    if client_status and not status:
        errors["status"] = [f"one of {', '.join(CLIENT_STATUSES)}, not {client_status!r}"]
    description = data.get("description", "").strip()
    media_url = _media_url(data, errors)
    if not description and not media_url and "media_url" not in errors:
        errors["description"] = ["required (or a media_url)"]
    form = UpdatePost(
        service_request_id=service_request_id,
        update_id=update_id,
        description=description,
        email=data.get("email", "").strip(),
        status=status,
        client_status=client_status,
        client_datetime=_moment(data, "updated_datetime", errors),
        media_url=media_url,
    )
    _raise(errors)
    return form

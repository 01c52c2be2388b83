"""The Open311 GeoReport v2 documents, as plain data for `render` (field order as in the spec)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from staffdesk.catalog.display import limit_text
from staffdesk.catalog.models import FormField, Service
from staffdesk.core.errors import DomainError
from staffdesk.open311.render import w3c
from staffdesk.open311.selectors import ListedService, StatusThen, open311_status
from staffdesk.requests.models import Request, RequestEvent, Status

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ["text/xml", "application/json"]
# Domain field names that Open311 callers know under another name.
PARAMETER_NAMES = {
    "service": "service_code",
    "subject": "description",
    "location": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "body": "description",  # a reply's text, which servicerequestupdates calls description
}


def discovery(*, url: str, changeset: datetime, contact: str, key_service: str) -> dict[str, Any]:
    return {
        "changeset": w3c(changeset),
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": w3c(changeset),
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def service(item: WithAnnotations[Service, ListedService]) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description,
        "metadata": bool(item.has_fields),
        "type": "realtime",
        "keywords": ", ".join(item.keyword_list),
        "group": item.department.name,
    }


def _values(field: FormField, keys: Iterable[str] | None = None) -> list[dict[str, str]]:
    names = {str(value["key"]): str(value["name"]) for value in field.values}
    chosen = names.keys() if keys is None else keys
    return [{"key": key, "name": names.get(key, key)} for key in chosen]


def open311_datatype(field: FormField) -> str:
    """GeoReport v2 knows no person: a person question is a string (a username or email)."""
    return (
        FormField.Datatype.STRING if field.datatype == FormField.Datatype.PERSON else field.datatype
    )


def datatype_description(field: FormField) -> str | None:
    """The question's limits in words ("A whole number from 1 to 20"), then its help text."""
    return ". ".join(part for part in (limit_text(field), field.description) if part) or None


def definition(item: Service) -> dict[str, Any]:
    """The request form, as the web UI renders it. `order` is the position in the form (from
    1), so clients sort exactly as the web UI does even where stored orders tie."""
    return {
        "service_code": item.code,
        "attributes": [
            {
                "variable": True,
                "code": field.code,
                "datatype": open311_datatype(field),
                "required": field.required,
                "datatype_description": datatype_description(field),
                "order": position,
                "description": field.label,
                "values": _values(field) if field.is_list else [],
            }
            for position, field in enumerate(item.fields.all(), start=1)
        ],
    }


def service_notice(request: Request) -> str:
    if request.resolution_due_at is None or not request.is_open:
        return f"Filed with {request.department.name}."
    return (
        f"Filed with {request.department.name}; its service level agreement sets resolution "
        f"by {w3c(request.resolution_due_at)}."
    )


def receipt(request: Request) -> dict[str, Any]:
    """POST requests' answer: services are realtime, so an id and never a token."""
    return {
        "service_request_id": request.number,
        "service_notice": service_notice(request),
        "account_id": request.requester.username,
    }


def token(request: Request) -> dict[str, Any]:
    return {"service_request_id": request.number, "token": request.number}


def _answer(field: FormField | None, code: str, value: Any) -> dict[str, Any]:
    if field is not None and field.is_list:
        keys = [str(key) for key in (value if isinstance(value, list) else [value])]
        return {
            "code": code,
            "description": field.label,
            "datatype": field.datatype,
            "values": _values(field, keys),
        }
    return {
        "code": code,
        "description": field.label if field else code,
        "datatype": field.datatype if field else FormField.Datatype.STRING,
        "value": str(value),
    }


def _extensions(request: Request) -> dict[str, Any]:
    fields = {field.code: field for field in request.service.fields.all()}
    return {
        "attributes": [
            _answer(fields.get(code), code, value) for code, value in request.answers.items()
        ],
        "extended_attributes": {"channel": request.channel},
        "notes": [
            {"datetime": w3c(event.created_at), "description": event.body, "type": "reply"}
            for event in request.public_replies  # type: ignore[attr-defined]  # Prefetch(to_attr=) in open311_request_list
        ],
    }


def service_request(request: Request, *, extensions: bool = False) -> dict[str, Any]:
    submission = getattr(request, "open311_submission", None)
    document = {
        "service_request_id": request.number,
        "status": open311_status(request.status),
        "status_notes": request.get_status_display(),
        "service_name": request.service.name,
        "service_code": request.service.code,
        "description": request.description,
        "agency_responsible": request.department.name,
        "service_notice": service_notice(request),
        "requested_datetime": w3c(request.created_at),
        "updated_datetime": w3c(request.updated_at),
        "expected_datetime": w3c(request.resolution_due_at),
        "address": request.location or None,
        "address_id": request.address_id or None,
        "zipcode": None,
        "lat": request.latitude,
        "long": request.longitude,
        "media_url": (submission.media_url if submission else "") or None,
    }
    return document | _extensions(request) if extensions else document


def request_update(event: WithAnnotations[RequestEvent, StatusThen]) -> dict[str, Any]:
    """One of servicerequestupdates' updates: a public reply or a status change, with the
    request's status just after it (open/closed, and staffdesk's own as external_status_code,
    which FixMyStreet keys its response templates on)."""
    status = event.status_then or Status.NEW
    received = getattr(event, "open311_update", None)
    return {
        "update_id": str(event.pk),
        "service_request_id": event.request.number,
        "status": open311_status(status),
        "updated_datetime": w3c(event.created_at),
        "description": event.body,
        "media_url": (received.media_url if received else "") or None,
        "external_status_code": status,
    }


def update_receipt(event: RequestEvent) -> dict[str, Any]:
    """POST servicerequestupdates' answer: the update id, which the same update carries when
    it is read back (FixMyStreet then knows it as its own comment)."""
    return {"update_id": str(event.pk)}


def error_status(exc: DomainError) -> int:
    """Open311 knows 400 for bad input where the REST API says 422."""
    return 400 if exc.status_code == 422 else exc.status_code


def errors(exc: DomainError) -> list[dict[str, Any]]:
    """The spec's error list: one entry per bad field (or the message), code = HTTP status."""
    status = error_status(exc)
    if not exc.errors:
        return [{"code": status, "description": exc.message}]
    return [
        {"code": status, "description": f"{_parameter(field)}: {message}"}
        for field, messages in exc.errors.items()
        for message in messages
    ]


def _parameter(field: str) -> str:
    if field.startswith("answers."):
        return f"attribute[{field.removeprefix('answers.')}]"
    return PARAMETER_NAMES.get(field, field)

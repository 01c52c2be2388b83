"""Open311 fixtures: keys, a multi-value field on the laptop form, and a reader of both formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from staffdesk.catalog.models import FormField
from staffdesk.directory.services import api_token_create
from staffdesk.open311.models import Integration
from staffdesk.open311.services import integration_key_issue
from tests.factories import FormFieldFactory

BASE = "/open311/v2"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# XML elements whose children are the items of a JSON array.
LISTS = {
    "services",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "errors",
    "service_requests",
    "notes",
    "service_requests_updates",
    "service_request_updates",
}


@pytest.fixture
def laptop(org):
    """The laptop form with a multi-value list besides its three fields."""
    FormFieldFactory(
        service=org.laptop,
        code="accessories",
        label="Accessories",
        description="Choose any you need.",
        datatype=FormField.Datatype.MULTIVALUELIST,
        required=False,
        order=4,
        values=[
            {"key": "bag", "name": "Laptop bag"},
            {"key": "mouse", "name": "Mouse"},
            {"key": "dock", "name": "Docking station"},
        ],
    )
    return org.laptop


@pytest.fixture
def rita_key(org) -> str:
    """Rita's personal API token, which is her Open311 api_key."""
    return api_token_create(person=org.requester, name="311 app")[1]


@pytest.fixture
def integration_key(db) -> str:
    return integration_key_issue(integration=Integration(name="Kiosk in the lobby"))


def xml_data(element: ET.Element) -> Any:
    """An XML document read back into the JSON shape (texts as strings, empty as None)."""
    if element.tag in LISTS:
        return [xml_data(child) for child in element]
    if len(element):
        return {child.tag: xml_data(child) for child in element}
    return element.text


def as_text(value: Any) -> Any:
    """A JSON document with its scalars written as XML writes them."""
    if isinstance(value, list):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {key: as_text(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def read(response, fmt: str) -> Any:
    """The document of a response after checking what every response must be in its format."""
    assert response["Content-Type"] == CONTENT_TYPES[fmt], response["Content-Type"]
    if fmt == "json":
        return json.loads(response.content)
    assert response.content.startswith(XML_DECLARATION), response.content[:60]
    return xml_data(ET.fromstring(response.content))  # noqa: S314 - our own server's answer


def form(
    key: str, service_code: str = "it-laptop", *, attributes: dict | None = None, **fields
) -> dict[str, Any]:
    """A POST requests body as a 311 client form-encodes it."""
    data: dict[str, Any] = {"api_key": key, "service_code": service_code, **fields}
    for code, value in (attributes or {}).items():
        data[f"attribute[{code}][]" if isinstance(value, list) else f"attribute[{code}]"] = value
    return data

"""One document shape, two renderings: JSON, and XML with the spec's element names.

A document is plain data: dicts (elements in order), lists (repeated elements, named by
ITEM_TAGS after their parent) and scalars. XML is written by the standard library's
XMLGenerator, which escapes text; nothing is assembled by hand.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_requests": "request",
    "notes": "note",
    # mySociety's servicerequestupdates: the GET's root, and the POST's (FixMyStreet's own
    # test fixtures use these two names).
    "service_requests_updates": "request_update",
    "service_request_updates": "request_update",
}
# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def w3c(moment: datetime | None) -> str | None:
    """A W3C (ISO 8601) date and time in the organization's time zone, with its offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return NOT_XML.sub("\ufffd", str(value))


def _element(xml: XMLGenerator, tag: str, value: Any) -> None:
    xml.startElement(tag, AttributesImpl({}))
    if isinstance(value, list):
        for item in value:
            _element(xml, ITEM_TAGS[tag], item)
    elif isinstance(value, dict):
        for name, child in value.items():
            _element(xml, name, child)
    elif text := _text(value):
        xml.characters(text)
    xml.endElement(tag)


def to_xml(document: Any, *, root: str) -> bytes:
    out = io.BytesIO()
    xml = XMLGenerator(out, encoding="UTF-8", short_empty_elements=True)
    xml.startDocument()  # <?xml version="1.0" encoding="UTF-8"?>
    _element(xml, root, document)
    xml.endDocument()
    return out.getvalue()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Angle brackets and ampersands in text are written as \u escapes (the same string to any
# JSON reader), so an answer opened as HTML or pasted into a page cannot open a tag.
JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def to_json(document: Any) -> bytes:
    text = json.dumps(document, ensure_ascii=False, default=_json_default)
    return text.translate(JSON_ESCAPES).encode()


def respond(document: Any, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`root` names the XML root element; in JSON a list is a top-level array."""
    body = to_xml(document, root=root) if fmt == "xml" else to_json(document)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])

"""Text as people send it: the one place line breaks are normalised."""

from __future__ import annotations

from typing import Any


def normalise_newlines(value: str) -> str:
    """Browser forms send CRLF and some clients a bare CR; store and count `\\n` only.

    Every adapter (API schemas, web forms, Open311 parameters) calls this on user text before
    its length is checked, so 4,000 typed characters are 4,000 whatever the client sent and
    the JSON and XML renderings of a stored text agree.
    """
    return value.replace("\r\n", "\n").replace("\r", "\n")


def normalise_texts(value: Any) -> Any:
    """The same value with the line breaks of its text normalised: a text, or the text
    values of a mapping (a service's form answers); anything else as it is."""
    if isinstance(value, str):
        return normalise_newlines(value)
    if isinstance(value, dict):
        return {key: normalise_texts(item) for key, item in value.items()}
    return value

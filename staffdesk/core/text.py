"""Text as people send it: the one place line breaks are normalised."""

from __future__ import annotations


def normalise_newlines(value: str) -> str:
    """Browser forms send CRLF and some clients a bare CR; store and count `\\n` only.

    Every adapter (API schemas, web forms, Open311 parameters) calls this on user text before
    its length is checked, so 4,000 typed characters are 4,000 whatever the client sent and
    the JSON and XML renderings of a stored text agree.
    """
    return value.replace("\r\n", "\n").replace("\r", "\n")

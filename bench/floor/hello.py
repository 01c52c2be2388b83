"""A bare WSGI hello-world (the `floor_wsgi` scenario): the server's own cost per request, the
lower bound of every scenario on that server."""

from collections.abc import Callable, Iterable
from typing import Any

BODY = b'{"hello": "world"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [BODY]

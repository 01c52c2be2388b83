"""HTTP methods on every path: OPTIONS tells the truth, HEAD works wherever GET does, and the
served app sends no body after a HEAD response (so keep-alive connections survive)."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.escalation.test_exactly_once import child_env

STAFFDESK = str(Path(sys.executable).parent / "staffdesk")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# A value for each kind of path parameter; anything else gets "1".
SAMPLES = {"fmt": "json", "app_label": "directory"}
# Catch-alls answer "no such thing" for every method: they are where no path exists.
CATCH_ALL_VIEWS = {"catch_all_view", "unknown"}


def _routes():
    """(example path, view) for every URL pattern, built from the patterns themselves, so a
    view added later is checked without being listed here."""

    def walk(patterns, prefix: str):
        for entry in patterns:
            regex = entry.pattern.regex.pattern.lstrip("^").replace(r"\Z", "").rstrip("$")
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + regex)
            elif isinstance(entry, URLPattern):
                yield prefix + regex, entry.callback

    for regex, view in walk(get_resolver().url_patterns, ""):
        path = re.sub(
            r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)",
            lambda group: SAMPLES.get(group.group(1), "1"),
            regex,
        )
        # An optional group is taken (a format suffix), an optional slash left out.
        path = (
            re.sub(r"\(\?:([^()]*)\)\?", r"\1", path)
            .replace("/?", "")
            .replace(r"\.", ".")
            .replace(r"\-", "-")
        )
        yield "/" + path, view


def _allow(response) -> set[str]:
    return {method.strip() for method in response["Allow"].split(",")}


ROUTES = [
    (path, view) for path, view in _routes() if getattr(view, "__name__", "") not in CATCH_ALL_VIEWS
]


def test_every_route_is_checked():
    # Every example path is a plain path (no pattern syntax left) and the list is the app's.
    paths = {path for path, _ in ROUTES}
    assert all(not re.search(r"[\[\]()*+?|\\]", path) for path in paths), paths
    assert {"/", "/requests/1", "/api/v1/requests", "/open311/v2/services.json", "/admin/"} <= paths


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "view"), ROUTES, ids=[path for path, _ in ROUTES])
def test_options_lists_the_methods_the_path_answers(client, path, view):
    response = client.options(path)
    assert response.status_code in (200, 204), response.content[:300]
    allowed = _allow(response)
    assert "OPTIONS" in allowed
    assert ("GET" in allowed) == ("HEAD" in allowed), allowed
    for method in set(METHODS) - allowed:
        refused = client.generic(method, path)
        assert refused.status_code == 405, f"{method} {path} answered {refused.status_code}"
    if "GET" in allowed:
        # HEAD is answered like GET (signed out here: the same redirect or the same page).
        assert client.head(path).status_code == client.get(path).status_code


@pytest.mark.django_db
def test_options_on_a_path_that_does_not_exist_is_404(client):
    assert client.options("/no-such-page/").status_code == 404
    assert client.options("/open311/v2/no-such-thing.json").status_code == 404


@pytest.mark.django_db
def test_head_answers_like_get_for_a_signed_in_person(client, org):
    client.force_login(org.requester)
    for path in ("/", "/catalog/", "/requests/", "/me/", "/notifications/"):
        page = client.get(path)
        head = client.head(path)
        assert (head.status_code, head["Content-Type"]) == (page.status_code, page["Content-Type"])
        assert head.status_code == 200
        assert head.content == b""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path: Path, *, collect: bool = False):
    """`staffdesk serve`, as `make run` starts it (after `collectstatic` if `collect`), on the
    test database, without STAFFDESK_BASE_URL: yields the port."""
    env = {k: v for k, v in child_env(tmp_path).items() if k != "STAFFDESK_BASE_URL"}
    if collect:
        subprocess.run(
            [STAFFDESK, "collectstatic", "--no-input", "-v", "0"], env=env, check=True, timeout=120
        )
    port = _free_port()
    server = subprocess.Popen(
        [STAFFDESK, "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    yield port
    server.terminate()
    server.communicate(timeout=30)


@pytest.fixture
def served(transactional_db, tmp_path):
    yield from _serve(tmp_path)


@pytest.fixture
def served_collected(transactional_db, tmp_path):
    yield from _serve(tmp_path, collect=True)


def _response_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def test_head_sends_no_body_and_keeps_the_connection_usable(served):
    with socket.create_connection(("127.0.0.1", served), timeout=5) as raw:
        raw.sendall(b"HEAD /signin/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head, _, extra = _response_head(raw).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        length = int(re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE).group(1))
        raw.settimeout(0.5)
        with pytest.raises(TimeoutError):
            extra += raw.recv(65536)  # nothing follows the headers
        assert extra == b""
        raw.settimeout(5)
        raw.sendall(b"GET /signin/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        get_head, _, body = _response_head(raw).partition(b"\r\n\r\n")
        assert get_head.startswith(b"HTTP/1.1 200")
        while len(body) < length:
            body += raw.recv(65536)
        assert len(body) == length  # HEAD told the length GET sends

    # A real client on one keep-alive connection: HEAD of a page, of the API, then GET.
    client = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    for method, path in (
        ("HEAD", "/signin/"),
        ("HEAD", "/api/v1/openapi.json"),
        ("GET", "/signin/"),
    ):
        client.request(method, path)
        response = client.getresponse()
        response.read()
        assert response.status == 200, (method, path)
    client.close()


def test_options_over_http(served):
    client = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    for path, allowed in (
        ("/api/v1/requests", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("/requests/IT-000001/reply", {"POST", "OPTIONS"}),
        ("/open311/v2/services.json", {"GET", "HEAD", "OPTIONS"}),
    ):
        client.request("OPTIONS", path)
        response = client.getresponse()
        assert response.read() == b""
        assert response.status == 204
        assert {m.strip() for m in response.getheader("Allow").split(",")} == allowed
    client.close()


def test_serve_links_to_the_host_and_port_it_serves(served):
    """Without STAFFDESK_BASE_URL, links (mail, Open311 contact) name the port served."""
    client = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    client.request("GET", "/open311/v2/discovery.json")
    discovery = json.loads(client.getresponse().read())
    assert discovery["contact"].endswith(f"http://127.0.0.1:{served}/")
    assert discovery["endpoints"][0]["url"] == f"http://127.0.0.1:{served}/open311/v2"


def test_collected_static_files_are_hashed_compressed_and_cached_for_a_year(served_collected):
    client = http.client.HTTPConnection("127.0.0.1", served_collected, timeout=5)
    client.request("GET", "/signin/")
    page = client.getresponse().read().decode()
    stylesheet = re.search(r'href="(/static/core/staffdesk\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page names the hashed stylesheet"
    client.request("GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    response = client.getresponse()
    body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert int(response.getheader("Content-Length")) == len(body)
    assert len(gzip.decompress(body)) > 2 * len(body)  # sent compressed, not just labelled

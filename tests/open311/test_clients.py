"""What real Open311 clients send works or is refused by name, never silently dropped.

PHP's http_build_query and Node's qs number the values of a list (`attribute[CODE][0]`),
jQuery and Rails use `attribute[CODE][]`, Python and Perl repeat `attribute[CODE]`; browser
forms send CRLF; suffixes come in any case and with a trailing slash; browser apps need CORS.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from staffdesk.requests.models import Request
from tests.open311.conftest import BASE, read

LAPTOP = [("attribute[model]", "power"), ("attribute[quantity]", "1")]


def post(client, pairs: list[tuple[str, str]], fmt: str = "json", path: str = "requests"):
    return client.post(
        f"{BASE}/{path}.{fmt}",
        urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
    )


def filed(response, fmt: str) -> Request:
    assert response.status_code == 200, response.content
    [receipt] = read(response, fmt)
    return Request.objects.get(number=receipt["service_request_id"])


ENCODINGS = {
    "repeated (Python, Perl)": [
        ("attribute[accessories]", "bag"),
        ("attribute[accessories]", "dock"),
    ],
    "brackets (spec, jQuery, Rails)": [
        ("attribute[accessories][]", "bag"),
        ("attribute[accessories][]", "dock"),
    ],
    "indexed (PHP, Node qs)": [
        ("attribute[accessories][1]", "dock"),
        ("attribute[accessories][0]", "bag"),
    ],
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_common_encoding_of_a_multi_value_answer_is_read(
    client, laptop, rita_key, encoding, fmt
):
    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP, *ENCODINGS[encoding]]
    request = filed(post(client, pairs, fmt), fmt)
    assert request.answers["accessories"] == ["bag", "dock"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ([("attribute[accessories][][]", "bag")], "attribute[accessories][][]"),
        ([("attribute[accessories][x]", "bag")], "attribute[accessories][x]"),
        ([("attribute[]", "bag")], "attribute[]"),
        ([("attribute", "bag")], "attribute"),
        (
            [("attribute[accessories]", "bag"), ("attribute[accessories][]", "dock")],
            "attribute[accessories]",
        ),
        ([("attribute[colour]", "red")], "colour"),
        ([("priority", "1")], "priority"),
        # One value is read, so two are refused (FixMyStreet's multi_photos sends several).
        ([("media_url", "https://a.example/1.jpg")] * 2, "media_url"),
        ([("description", "one"), ("description", "two")], "description"),
    ],
)
def test_an_answer_or_parameter_in_another_shape_is_refused_by_name(
    client, laptop, rita_key, extra, named, fmt
):
    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP, *extra]
    response = post(client, pairs, fmt)
    assert response.status_code == 400, response.content
    assert any(named in error["description"] for error in read(response, fmt))
    assert not Request.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_nul_character_is_refused_by_name_before_any_lookup(client, laptop, rita_key, fmt):
    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP]
    response = post(client, [*pairs, ("description", "a\x00b")], fmt)
    assert response.status_code == 400
    [error] = read(response, fmt)
    assert error["description"].startswith("description: must not contain the NUL")
    for query in ({"api_key": "sdk_\x00"}, {"service_code": "it\x00"}):
        refused = client.get(f"{BASE}/requests.{fmt}", query)
        assert refused.status_code == 400, refused.content
    assert not Request.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_filter_this_server_does_not_know_is_refused_not_ignored(client, laptop, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", {"agency_responsible": "IT"})
    assert response.status_code == 400
    [error] = read(response, fmt)
    assert error["description"].startswith("agency_responsible: not a parameter")
    # A list filter takes every value; a single one given twice is refused.
    listed = client.get(f"{BASE}/requests.{fmt}", {"status": ["open", "closed"]})
    assert listed.status_code == 200
    twice = client.get(f"{BASE}/requests.{fmt}", {"page": ["1", "2"]})
    assert twice.status_code == 400 and b"page" in twice.content


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_crlf_is_counted_and_stored_as_one_line_break(client, laptop, rita_key, fmt):
    # 4,000 typed characters, of which 9 are line breaks a browser sends as CRLF.
    typed = "\n".join(["x" * 399] * 10)
    assert len(typed) == 3999
    sent = (typed + "!").replace("\n", "\r\n")
    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP, ("description", sent)]
    request = filed(post(client, pairs, fmt), fmt)
    assert request.description == typed + "!" and "\r" not in request.description
    # Read back, both formats give the same text.
    path = f"{BASE}/requests/{request.number}"
    for other in ("json", "xml"):
        [item] = read(client.get(f"{path}.{other}", {"api_key": rita_key}), other)
        assert item["description"] == typed + "!"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_angle_brackets_are_text(client, laptop, rita_key, fmt):
    pairs = [
        ("api_key", rita_key),
        ("service_code", "it-laptop"),
        *LAPTOP,
        ("description", "Sign says <STOP> & <script>alert(1)</script>"),
    ]
    request = filed(post(client, pairs, fmt), fmt)
    assert request.description == "Sign says <STOP> & <script>alert(1)</script>"
    answer = client.get(f"{BASE}/requests/{request.number}.{fmt}", {"api_key": rita_key})
    assert b"<STOP>" not in answer.content and b"<script>" not in answer.content
    [item] = read(answer, fmt)
    assert item["description"] == request.description
    # The web page escapes it as well.
    client.force_login(request.requester)
    page = client.get(f"/requests/{request.number}").content.decode()
    assert "Sign says &lt;STOP&gt;" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("services.JSON", "json"),
        ("services.Xml", "xml"),
        ("services.json/", "json"),
        ("services/", "xml"),
        ("discovery.JSON/", "json"),
        ("services/it-laptop.JSON", "json"),
    ],
)
def test_suffixes_in_any_case_and_a_trailing_slash(client, laptop, path, fmt):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 200, response.content
    assert read(response, fmt)


def test_a_post_with_an_upper_case_suffix_files_the_request(client, laptop, rita_key):
    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP]
    response = client.post(
        f"{BASE}/requests.JSON/", urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert filed(response, "json").channel == "open311"


APP = "https://311.city.example"


def test_cors_is_off_unless_origins_are_configured(client, laptop):
    response = client.get(f"{BASE}/services.json", headers={"Origin": APP})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_cors_for_a_configured_browser_app(client, laptop, rita_key, settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    preflight = client.options(
        f"{BASE}/requests.json",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight["Access-Control-Allow-Origin"] == APP
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "content-type" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight  # the key is no cookie

    pairs = [("api_key", rita_key), ("service_code", "it-laptop"), *LAPTOP]
    response = client.post(
        f"{BASE}/requests.json",
        urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": APP},
    )
    assert response["Access-Control-Allow-Origin"] == APP
    filed(response, "json")
    # Another origin, and the rest of the site, get no CORS headers.
    other = client.get(f"{BASE}/services.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other
    api = client.get("/api/v1/services", headers={"Origin": APP})
    assert "Access-Control-Allow-Origin" not in api

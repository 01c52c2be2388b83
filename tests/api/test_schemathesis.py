"""Every operation of the API, fed what its OpenAPI document allows and what it does not.

Whatever is sent, the answer is never a 5xx, and every 4xx is the documented error body
(`{"message": str, "errors": {str: [str]}}`). The document is the one /api/v1/openapi.json
serves (read from the app at collection, so each operation is a test of its own); the calls
go over real HTTP to the live server, as an employee and as an agent. Examples are few and
derandomized, so a run is reproducible and the file stays within a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from conftest import LAPTOP_ANSWERS
from staffdesk.config.api import api
from staffdesk.directory.services import api_token_create
from staffdesk.requests.services import attachment_add, request_submit

schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(),
    config=SchemathesisConfig.from_dict(
        {
            "seed": 311,
            "generation": {
                "mode": "all",
                "deterministic": True,
                # Each caller authenticates with a real token; generated credentials are noise.
                "with-security-parameters": False,
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)

ROLES = {"employee": "requester", "agent": "it_point"}


@pytest.fixture
def tokens(org, roles) -> dict[str, str]:
    """A bearer token per role: each case is sent by both, one test database for the two."""
    return {
        role: api_token_create(person=getattr(org, ROLES[role]), name="schemathesis")[1]
        for role in roles
    }


@pytest.fixture
def world(org, live_server, transactional_db):
    """A filed request with a file on it: path parameters sometimes name these real things."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    filed = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    upload = attachment_add(
        request=filed,
        uploader=org.requester,
        filename="note.txt",
        upload=SimpleUploadedFile("note.txt", b"a file"),
    )
    return {
        "number": filed.number,
        "attachment_id": upload.pk,
        "person_id": org.it_agent.pk,
        "code": {"/api/v1/services/{code}": "it-laptop", "/api/v1/departments/{code}": "IT"},
    }


def _aim(case, world) -> None:
    """Point the case at the world's request, file, person or code, so it gets past the 404s."""
    for name in case.path_parameters or {}:
        value = world.get(name)
        if isinstance(value, dict):
            value = value.get(case.operation.path)
        if value is not None:
            case.path_parameters[name] = value
    if isinstance(case.body, dict) and "service" in case.body:
        case.body["service"] = "it-laptop"


def _assert_error_body(response) -> None:
    # Schemathesis keeps every header as a list of values, under its lowercased name.
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"message", "errors"}, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["errors"], dict), body
    for field, messages in body["errors"].items():
        assert isinstance(field, str), body
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), body


# The parameter also names each test after its operation: without one, every operation's
# test had the bare function name, and pytest-xdist cannot schedule tests with one id.
@pytest.mark.parametrize("roles", [tuple(ROLES)], ids=["employee,agent"])
@schema.given(aimed=st.booleans())
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_is_a_server_error(case, aimed, tokens, world, live_server):
    if aimed:
        _aim(case, world)
    for role, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(base_url=live_server.url, headers=headers)
        assert response.status_code < 500, (role, case.as_curl_command(), response.text[:500])
        if 400 <= response.status_code < 500:
            _assert_error_body(response)

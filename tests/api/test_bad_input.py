"""Acceptance: bad input gets a 4xx naming the problem, and writes nothing."""

import pytest
from django.urls import reverse

from conftest import LAPTOP_ANSWERS
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Attachment, Request, RequestEvent
from staffdesk.requests.services import attachment_add, request_submit
from staffdesk.requests.services.conversation import BODY_MAX
from staffdesk.requests.services.submit import DESCRIPTION_MAX


def _snapshot():
    return (
        Request.objects.count(),
        RequestEvent.objects.count(),
        Attachment.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def filed(org):
    return request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        ({"service": "no-such-thing", "answers": {}}, 404, None, "no-such-thing"),
        ({"service": "it-laptop", "answers": {"quantity": 1}}, 422, "answers.model", "required"),
        (
            {"service": "it-laptop", "answers": {"model": "standard", "quantity": "two"}},
            422,
            "answers.quantity",
            "must be a number",
        ),
        (
            {"service": "it-laptop", "answers": {"model": "gold", "quantity": 1}},
            422,
            "answers.model",
            "'gold' is not one of",
        ),
        (
            {"service": "it-laptop", "answers": {**LAPTOP_ANSWERS, "needed_by": "next tuesday"}},
            422,
            "answers.needed_by",
            "date and time",
        ),
        (
            {"service": "it-laptop", "answers": {**LAPTOP_ANSWERS, "colour": "red"}},
            422,
            "answers.colour",
            "no field 'colour'",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "priority": 9},
            422,
            "priority",
            "must be",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "status": "resolved"},
            422,
            "status",
            "cannot be set",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "assignee_id": 1},
            422,
            "assignee_id",
            "cannot be set",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "department": "HR"},
            422,
            "department",
            "cannot be set",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "number": "IT-999999"},
            422,
            "number",
            "cannot be set",
        ),
        ({"answers": LAPTOP_ANSWERS}, 422, "service", "required"),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "subject": "two\nlines"},
            422,
            "subject",
            "no line breaks",
        ),
        ({"service": "it-laptop", "answers": ["model"]}, 422, "answers", "dictionary"),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "latitude": 39.95},
            422,
            "latitude",
            "both latitude and longitude",
        ),
        (
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "latitude": 95, "longitude": 1},
            422,
            "latitude",
            "-90 to 90",
        ),
    ],
)
def test_creation_refuses_bad_input_and_writes_nothing(org, api, body, status, field, words):
    before = _snapshot()
    response = api(org.requester).post("/requests", json=body)
    assert response.status_code == status, response.text
    error = response.json()
    if field:
        assert words in " ".join(error["errors"][field]), error
    else:
        assert words in error["message"]
    assert _snapshot() == before


def test_malformed_json_is_a_400(org, api):
    before = _snapshot()
    response = api(org.requester).post(
        "/requests",
        content=b'{"service": "it-laptop", ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "The request body is not valid JSON."
    assert _snapshot() == before


def test_forbidden_transition_names_the_allowed_ones(org, api, filed):
    before = _snapshot()
    response = api(org.it_point).post(
        f"/requests/{filed.number}/transition", json={"status": "closed"}
    )
    assert response.status_code == 409
    assert response.json()["message"] == (
        "IT-000001 cannot go from new to closed; allowed for you now: "
        "acknowledged, in_progress, resolved, cancelled."
    )
    requester = api(org.requester).post(
        f"/requests/{filed.number}/transition", json={"status": "resolved"}
    )
    assert requester.status_code == 409
    assert "allowed for you now: cancelled" in requester.json()["message"]
    unknown = api(org.it_point).post(
        f"/requests/{filed.number}/transition", json={"status": "done"}
    )
    assert unknown.status_code == 422 and "Unknown status 'done'" in unknown.json()["message"]
    assert _snapshot() == before


def test_oversized_file_is_refused(org, api, filed, settings):
    settings.STAFFDESK_MAX_ATTACHMENT_BYTES = 1000
    before = _snapshot()
    response = api(org.requester).post(
        f"/requests/{filed.number}/attachments", files={"file": ("big.bin", b"x" * 1001)}
    )
    assert response.status_code == 422
    assert "too large (1,001 bytes; the limit is 1,000)" in response.json()["message"]
    assert _snapshot() == before


def test_foreign_attachment_id_is_refused(org, api, filed):
    other = request_submit(requester=org.colleague, service=org.laptop, answers=LAPTOP_ANSWERS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    foreign = attachment_add(
        request=other,
        uploader=org.colleague,
        filename="x.txt",
        upload=SimpleUploadedFile("x.txt", b"colleague's file"),
    )
    before = _snapshot()
    rita = api(org.requester)
    reply = rita.post(
        f"/requests/{filed.number}/replies",
        json={"body": "see attached", "attachment_ids": [foreign.pk]},
    )
    assert reply.status_code == 422
    assert f"Attachment(s) {foreign.pk} are not your unattached uploads" in reply.json()["message"]
    download = rita.get(f"/requests/{filed.number}/attachments/{foreign.pk}")
    assert download.status_code == 404
    assert _snapshot() == before


def test_empty_reply_and_wrong_types_are_refused(org, api, filed):
    rita = api(org.requester)
    before = _snapshot()
    empty = rita.post(f"/requests/{filed.number}/replies", json={"body": "   "})
    assert empty.status_code == 422 and empty.json()["errors"]["body"] == ["must not be empty"]
    typed = rita.post(f"/requests/{filed.number}/replies", json={"body": ["a"]})
    assert typed.status_code == 422 and "body" in typed.json()["errors"]
    assert _snapshot() == before


def test_requester_cannot_do_agent_work(org, api, filed):
    rita = api(org.requester)
    before = _snapshot()
    note = rita.post(f"/requests/{filed.number}/notes", json={"body": "let me in"})
    assert note.status_code == 403 and "internal notes" in note.json()["message"]
    assign = rita.post(f"/requests/{filed.number}/assign", json={"assignee_id": org.requester.pk})
    assert assign.status_code == 403
    priority = rita.post(f"/requests/{filed.number}/priority", json={"priority": 1})
    assert priority.status_code == 403
    assert _snapshot() == before


def test_assignment_outside_the_department_is_refused(org, api, filed):
    response = api(org.it_point).post(
        f"/requests/{filed.number}/assign", json={"assignee_id": org.hr_agent.pk}
    )
    assert response.status_code == 422
    assert "is not an active agent of Information Technology" in response.json()["message"]


def test_bad_cursor_and_limit(org, api):
    rita = api(org.requester)
    assert rita.get("/requests", params={"cursor": "garbage!"}).status_code == 422
    assert rita.get("/requests", params={"limit": 0}).status_code == 422
    assert rita.get("/requests", params={"status": "nope"}).json()["errors"]["status"]


def test_unauthenticated_is_401(org, api):
    anonymous = api(None)
    response = anonymous.get("/requests")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# Numbers past what the database holds were an OverflowError (a 500) on SQLite.
TOO_LARGE = 99999999999999999999


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/requests?requester={TOO_LARGE}", "requester"),
        (f"/requests?assignee={TOO_LARGE}", "assignee"),
        (f"/requests/counts?requester={TOO_LARGE}", "requester"),
        (f"/people/{TOO_LARGE}", "person_id"),
        ("/requests?limit=201", "limit"),
    ],
)
def test_out_of_range_numbers_are_a_422_naming_the_field(org, api, path, field):
    response = api(org.it_point).get(path)
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"]


def test_attachment_id_out_of_range_is_refused(org, api, filed):
    before = _snapshot()
    response = api(org.requester).post(
        f"/requests/{filed.number}/replies",
        json={"body": "see attached", "attachment_ids": [TOO_LARGE]},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]["attachment_ids.0"] == [
        "must be a whole number from 1 to 9223372036854775807"
    ]
    assert _snapshot() == before


def test_a_boolean_is_not_a_number(org, api, filed):
    before = _snapshot()
    rita, pete = api(org.requester), api(org.it_point)
    filing = rita.post(
        "/requests", json={"service": "it-laptop", "answers": LAPTOP_ANSWERS, "priority": True}
    )
    assert filing.status_code == 422, filing.text
    assert filing.json()["errors"]["priority"] == ["must be a whole number, not true or false"]
    change = pete.post(f"/requests/{filed.number}/priority", json={"priority": True})
    assert change.status_code == 422 and "priority" in change.json()["errors"]
    assign = pete.post(f"/requests/{filed.number}/assign", json={"assignee_id": True})
    assert assign.status_code == 422 and "assignee_id" in assign.json()["errors"]
    assert _snapshot() == before


def test_a_body_over_the_limit_is_a_413_naming_it(org, api):
    before = _snapshot()
    body = {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "description": "x" * 10_000_000}
    response = api(org.requester).post("/requests", json=body)
    assert response.status_code == 413
    error = response.json()
    assert "the limit is 2 MiB" in error["message"] and error["errors"] == {}
    assert _snapshot() == before


def test_unknown_path_and_wrong_method_answer_in_json(org, api):
    pete = api(org.it_point)
    unknown = pete.get("/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "message": "There is no API operation at /api/v1/no-such-thing.",
        "errors": {},
    }
    wrong = pete.put("/requests")
    assert wrong.status_code == 405
    assert set(wrong.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert wrong.json()["message"].startswith("PUT is not allowed on /api/v1/requests; allowed:")
    document = pete.post("/openapi.json")
    assert document.status_code == 405 and document.json()["errors"] == {}


def _crlf_text(length: int) -> str:
    """`length` characters once each CRLF counts as one: lines of 99 letters, as typed."""
    assert length % 100 == 0
    return "\r\n".join(["x" * 99] * (length // 100)) + "x"


def test_a_reply_at_the_limit_sent_with_crlf_is_accepted_and_stored_with_lf(org, api, filed):
    body = _crlf_text(BODY_MAX)
    assert len(body) > BODY_MAX
    response = api(org.requester).post(f"/requests/{filed.number}/replies", json={"body": body})
    assert response.status_code == 201, response.text
    stored = RequestEvent.objects.get(pk=response.json()["id"]).body
    assert len(stored) == BODY_MAX and "\r" not in stored


def test_a_description_at_the_limit_typed_in_the_web_form_is_stored_with_lf(client, org):
    client.force_login(org.requester)
    description = _crlf_text(DESCRIPTION_MAX)
    response = client.post(
        reverse("requests:new", args=["it-laptop"]),
        {"description": description, "answers.model": "standard", "answers.quantity": "1"},
    )
    assert response.status_code == 302, response.content[:500]
    stored = Request.objects.get().description
    assert len(stored) == DESCRIPTION_MAX and "\r" not in stored


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("requests:assign", {"assignee": str(TOO_LARGE)}),
        ("requests:watcher_add", {"person_id": str(TOO_LARGE)}),
    ],
)
def test_web_forms_refuse_ids_out_of_range(client, org, filed, path, data):
    client.force_login(org.it_point)
    response = client.post(reverse(path, args=[filed.number]), data)
    assert response.status_code == 422


def test_web_urls_with_ids_out_of_range_are_not_found(client, org):
    client.force_login(org.requester)
    assert client.post(f"/notifications/{TOO_LARGE}/read").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/people?department=%00", None, "department"),
        ("GET", "/services?q=a%00", None, "q"),
        ("GET", "/requests?status=%00", None, "status"),
        ("GET", "/requests/IT-%00", None, "number"),
        (
            "POST",
            "/requests",
            {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "description": "\0"},
            "description",
        ),
        (
            "POST",
            "/requests",
            {"service": "hr-leave", "answers": {"reason": "sick\0"}},
            "answers.reason",
        ),
    ],
)
def test_a_nul_character_is_a_422_naming_the_field(org, api, method, path, body, field):
    """PostgreSQL takes no NUL in text: it was a DataError (a 500) there."""
    before = _snapshot()
    response = api(org.requester).request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"]
    assert _snapshot() == before


def test_a_nul_character_on_the_web_is_a_form_error(client, org):
    client.force_login(org.requester)
    assert client.get("/?q=laptop%00").status_code == 200
    token = client.post(reverse("profile_token_create"), {"name": "mine\0"})
    assert token.status_code == 200 and b"Null characters are not allowed" in token.content
    assert not org.requester.api_tokens.exists()

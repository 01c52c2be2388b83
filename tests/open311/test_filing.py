"""POST requests: who files, what is checked, and that the request is like any other."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from staffdesk.directory.services import api_token_create, api_token_revoke
from staffdesk.open311.models import Integration, Submission
from staffdesk.requests.models import Channel, Request
from tests.factories import PersonFactory
from tests.open311.conftest import BASE, form, read

LAPTOP = {"model": "standard", "quantity": "1"}


def post(client, data: dict, fmt: str = "json", **headers):
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def descriptions(response) -> list[str]:
    return [error["description"] for error in response.json()]


def test_filed_like_any_other_request(client, org, agreement, laptop, rita_key):
    response = post(
        client,
        form(
            rita_key,
            attributes={"model": "power", "quantity": "2", "accessories": ["bag", "mouse"]},
            description="My screen is too small.\nA 16-inch one, please.",
            address_string="City Hall, room 301",
            address_id="CH-301",
            lat="40.7128",
            long="-74.0060",
            email="someone.else@city.example",
            first_name="Not",
            last_name="Used",
        ),
    )
    assert response.status_code == 200, response.content
    [receipt] = response.json()
    request = Request.objects.get(number=receipt["service_request_id"])
    assert request.channel == Channel.OPEN311
    # A personal key files for its owner, whatever the form's email says.
    assert request.requester == org.requester
    assert request.answers == {"model": "power", "quantity": 2, "accessories": ["bag", "mouse"]}
    assert request.subject == "My screen is too small."
    assert request.description == "My screen is too small.\nA 16-inch one, please."
    assert (request.location, request.address_id) == ("City Hall, room 301", "CH-301")
    assert (request.latitude, request.longitude) == (40.7128, -74.006)
    # Routed to the point person, under the IT agreement, with its clocks running.
    assert request.assignee == org.it_point
    assert request.sla_agreement == agreement
    assert request.resolution_due_at is not None and request.response_due_at is not None
    assert request.events.filter(kind="created", data__channel="open311").exists()
    submission = Submission.objects.get(request=request)
    assert submission.integration is None and submission.media_url == ""
    assert receipt["service_notice"].startswith("Filed with Information Technology; its service")


def test_shows_in_the_rest_api_and_the_web_ui(client, org, laptop, rita_key):
    body = form(rita_key, attributes=LAPTOP, address_string="Room 12")
    body.update({"lat": "39.952335", "long": "-75.163789"})
    [receipt] = post(client, body).json()
    number = receipt["service_request_id"]
    detail = client.get(
        f"/api/v1/requests/{number}", headers={"Authorization": f"Bearer {rita_key}"}
    ).json()
    assert detail["channel"] == "open311" and detail["location"] == "Room 12"
    assert detail["service"] == "it-laptop" and detail["assignee"]["id"] == org.it_point.pk
    client.force_login(org.it_point)
    page = client.get(f"/requests/{number}")
    assert page.status_code == 200
    assert "<dt>Location</dt>" in page.content.decode()
    assert "Room 12" in page.content.decode() and "(39.952335, -75.163789)" in page.content.decode()
    assert number.encode() in client.get("/requests/queue/").content


def test_integration_files_for_the_person_named_by_email(client, org, laptop, integration_key):
    body = form(integration_key, attributes=LAPTOP, email="RITA@city.example")
    body["media_url"] = "https://photos.example/broken.jpg"
    [receipt] = post(client, body).json()
    request = Request.objects.get(number=receipt["service_request_id"])
    assert request.requester == org.requester and receipt["account_id"] == "rita"
    submission = Submission.objects.get(request=request)
    assert submission.integration == Integration.objects.get()
    assert submission.media_url == "https://photos.example/broken.jpg"
    assert Integration.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("", "email: required"),
        ("nobody@city.example", "email: no active employee has it"),
        ("twin@city.example", "email: more than one employee has it"),
        ("gone@city.example", "email: no active employee has it"),
    ],
)
def test_integration_needs_one_active_person(client, org, laptop, integration_key, email, problem):
    PersonFactory(username="twin1", email="twin@city.example")
    PersonFactory(username="twin2", email="twin@city.example")
    PersonFactory(username="gone", email="gone@city.example", is_active=False)
    response = post(client, form(integration_key, attributes=LAPTOP, email=email))
    assert response.status_code == 400
    assert descriptions(response)[0].startswith(problem)
    assert not Request.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", ["", "sdk_not-a-token", "o311_not-a-key", "revoked", "inactive"])
def test_missing_or_wrong_key_is_403(client, org, laptop, fmt, key):
    if key == "revoked":
        token, key = api_token_create(person=org.requester, name="old")
        api_token_revoke(person=org.requester, token_id=token.pk)
    if key == "inactive":
        from staffdesk.open311.services import integration_key_issue

        integration = Integration(name="Retired kiosk", is_active=False)
        key = integration_key_issue(integration=integration)
    response = post(client, form(key, attributes=LAPTOP), fmt)
    assert response.status_code == 403
    [error] = read(response, fmt)
    assert error["code"] == (403 if fmt == "json" else "403")
    assert "api_key" in error["description"]
    assert not Request.objects.exists()


def test_unknown_or_unlisted_service_is_404(client, org, rita_key):
    assert post(client, form(rita_key, "no-such-service")).status_code == 404
    org.laptop.is_active = False
    org.laptop.save(update_fields=["is_active"])
    response = post(client, form(rita_key, attributes=LAPTOP))
    assert response.status_code == 404
    assert descriptions(response) == ["No service with code 'it-laptop'."]


def test_missing_service_code_is_400(client, org, rita_key):
    response = post(client, form(rita_key, ""))
    assert response.status_code == 400
    assert descriptions(response) == ["service_code: required"]


def test_missing_required_attribute_is_named(client, laptop, rita_key):
    response = post(client, form(rita_key, attributes={"model": "standard"}))
    assert response.status_code == 400
    assert descriptions(response) == ["attribute[quantity]: Quantity: this answer is required"]


def test_bad_attribute_values(client, laptop, rita_key):
    attributes = {
        "model": "gold",
        "quantity": "many",
        "accessories": ["bag", "cat"],
        "colour": "red",
    }
    response = post(client, form(rita_key, attributes=attributes))
    assert response.status_code == 400
    assert sorted(descriptions(response)) == [
        "attribute[accessories]: Accessories: 'cat' not among: bag, mouse, dock",
        "attribute[colour]: this service has no field 'colour'",
        "attribute[model]: Model: 'gold' is not one of: standard, power",
        "attribute[quantity]: Quantity: must be a number, not 'many'",
    ]


def test_multivalue_list_sent_as_repeated_plain_keys_or_empty(client, laptop, rita_key):
    body = urlencode(
        [
            ("api_key", rita_key),
            ("service_code", "it-laptop"),
            ("attribute[model]", "standard"),
            ("attribute[quantity]", "1"),
            ("attribute[accessories]", "mouse"),
            ("attribute[accessories]", "bag"),
        ]
    )
    response = client.post(
        f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200, response.content
    assert Request.objects.get().answers["accessories"] == ["mouse", "bag"]
    # A list with nothing chosen arrives as one empty item.
    response = post(client, form(rita_key, attributes={**LAPTOP, "accessories": [""]}))
    assert response.status_code == 200, response.content
    assert "accessories" not in Request.objects.order_by("-id").first().answers


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"description": "x" * 4001}, "description: at most 4,000 characters (got 4,001)"),
        ({"lat": "40.7"}, "lat: give both latitude and longitude, or neither"),
        ({"lat": "91", "long": "0"}, "lat: must be a number of degrees from -90 to 90"),
        ({"lat": "1", "long": "nan"}, "long: must be a number of degrees from -180 to 180"),
        ({"lat": "x", "long": "1"}, "lat: a number of degrees (WGS84), not 'x'"),
        ({"address_string": "a" * 256}, "address_string: at most 255 characters"),
        ({"media_url": "javascript:alert(1)"}, "media_url: an http(s) URL"),
    ],
)
def test_bad_form_is_400(client, laptop, rita_key, fields, problem):
    response = post(client, form(rita_key, attributes=LAPTOP, **fields))
    assert response.status_code == 400
    assert descriptions(response)[0].startswith(problem), descriptions(response)
    assert not Request.objects.exists()


def test_description_of_exactly_4000_characters_is_taken(client, laptop, rita_key):
    response = post(client, form(rita_key, attributes=LAPTOP, description="y" * 4000))
    assert response.status_code == 200
    request = Request.objects.get()
    assert len(request.description) == 4000 and request.subject.endswith("…")


def test_confidential_service_can_be_filed(client, org, rita_key):
    response = post(client, form(rita_key, "hr-leave", attributes={"reason": "Surgery"}))
    assert response.status_code == 200
    request = Request.objects.get()
    assert request.confidential and request.assignee == org.hr_agent


def test_idempotency_key_makes_a_retry_safe(client, laptop, rita_key):
    first = post(client, form(rita_key, attributes=LAPTOP), **{"Idempotency-Key": "abc"}).json()
    again = post(client, form(rita_key, attributes=LAPTOP), **{"Idempotency-Key": "abc"}).json()
    assert first == again and Request.objects.count() == 1
    other = post(
        client,
        form(rita_key, attributes={"model": "power", "quantity": "1"}),
        **{"Idempotency-Key": "abc"},
    )
    assert other.status_code == 409


def test_key_in_the_query_string_is_accepted(client, laptop, rita_key):
    body = form("", attributes=LAPTOP)
    del body["api_key"]
    response = client.post(
        f"{BASE}/requests.json?api_key={rita_key}",
        urlencode(body, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content

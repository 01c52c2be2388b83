"""The GeoReport v2 contract of every endpoint, in both formats: declaration, content type,
arrays for single results, booleans as true/false, codes as strings, the spec's errors."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.utils.timezone import localtime

from staffdesk.open311.models import Submission
from staffdesk.requests.models import Request
from tests.open311.conftest import BASE, as_text, form, read

FORMATS = ["json", "xml"]


def post(client, fmt: str, data: dict):
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def filed(org, laptop, rita_key, client) -> Request:
    body = form(
        rita_key,
        attributes={"model": "power", "quantity": "2", "accessories": ["bag", "dock"]},
        description="Screen too small for spreadsheets.\nPlease a 16-inch one.",
        address_string="City Hall, room 301",
        lat="40.7128",
        long="-74.006",
        media_url="https://photos.example/desk.jpg",
    )
    assert post(client, "json", body).status_code == 200
    return Request.objects.get()


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, db, fmt):
    document = read(client.get(f"{BASE}/discovery.{fmt}"), fmt)
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == document["changeset"]
    assert document["key_service"] == "http://testserver/me/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list(client, org, laptop, fmt):
    services = read(client.get(f"{BASE}/services.{fmt}"), fmt)
    by_code = {service["service_code"]: service for service in services}
    # Confidential services are listed, so people can file them.
    assert set(by_code) == {"it-laptop", "hr-leave"}
    expected = {
        "service_code": "it-laptop",
        "service_name": "New laptop",
        "description": "A laptop for a new or existing employee.",
        "metadata": True,
        "type": "realtime",
        "keywords": "laptop, computer, notebook",
        "group": "Information Technology",
    }
    assert by_code["it-laptop"] == (expected if fmt == "json" else as_text(expected))
    assert list(by_code["it-laptop"]) == list(expected)


def test_service_without_form_fields_has_metadata_false(client, org):
    org.leave.fields.all().delete()
    services = {s["service_code"]: s for s in read(client.get(f"{BASE}/services.json"), "json")}
    assert services["hr-leave"]["metadata"] is False
    xml = {s["service_code"]: s for s in read(client.get(f"{BASE}/services.xml"), "xml")}
    assert xml["hr-leave"]["metadata"] == "false"


def test_a_single_service_is_still_an_array(client, org):
    org.leave.is_active = False
    org.leave.save(update_fields=["is_active"])
    [service] = read(client.get(f"{BASE}/services.json"), "json")
    assert service["service_code"] == "it-laptop"
    response = client.get(f"{BASE}/services.xml")
    assert read(response, "xml") == as_text([service])
    assert b"<services><service><service_code>it-laptop</service_code>" in response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, laptop, fmt):
    definition = read(client.get(f"{BASE}/services/it-laptop.{fmt}"), fmt)
    assert definition["service_code"] == "it-laptop"
    codes = [attribute["code"] for attribute in definition["attributes"]]
    assert codes == ["model", "quantity", "needed_by", "accessories"]
    model, quantity, _, accessories = definition["attributes"]
    expected = {
        "variable": True,
        "code": "model",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "Model",
        "values": [
            {"key": "standard", "name": 'Standard 14"'},
            {"key": "power", "name": 'Power 16"'},
        ],
    }
    assert model == (expected if fmt == "json" else as_text(expected))
    assert accessories["datatype"] == "multivaluelist"
    assert accessories["datatype_description"] == "Choose any you need."
    assert [value["key"] for value in accessories["values"]] == ["bag", "mouse", "dock"]
    assert quantity["values"] == []


def test_definition_json_types(client, laptop):
    definition = read(client.get(f"{BASE}/services/it-laptop.json"), "json")
    for attribute in definition["attributes"]:
        assert attribute["variable"] is True
        assert isinstance(attribute["required"], bool)
        assert isinstance(attribute["order"], int)
        assert isinstance(attribute["code"], str)
        assert all(isinstance(value["key"], str) for value in attribute["values"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_formats_carry_the_same_documents(client, filed, rita_key, fmt):
    paths = [
        "discovery",
        "services",
        "services/it-laptop",
        "requests",
        f"requests/{filed.number}",
        f"tokens/{filed.number}",
    ]
    for path in paths:
        params = {"api_key": rita_key, "extensions": "true"}
        as_json = read(client.get(f"{BASE}/{path}.json", params), "json")
        as_xml = read(client.get(f"{BASE}/{path}.xml", params), "xml")
        assert as_xml == as_text(as_json), path


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_answers_one_id_in_an_array(client, laptop, rita_key, fmt):
    response = post(client, fmt, form(rita_key, attributes={"model": "standard", "quantity": "1"}))
    assert response.status_code == 200
    [receipt] = read(response, fmt)
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    assert "token" not in receipt
    assert receipt["service_request_id"] == Request.objects.get().number
    assert receipt["account_id"] == "rita"


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_fields(client, filed, rita_key, fmt):
    [item] = read(client.get(f"{BASE}/requests/{filed.number}.{fmt}", {"api_key": rita_key}), fmt)
    expected = {
        "service_request_id": filed.number,
        "status": "open",
        "status_notes": "New",
        "service_name": "New laptop",
        "service_code": "it-laptop",
        "description": "Screen too small for spreadsheets.\nPlease a 16-inch one.",
        "agency_responsible": "Information Technology",
        "service_notice": "Filed with Information Technology.",
        "requested_datetime": localtime(filed.created_at).replace(microsecond=0).isoformat(),
        "updated_datetime": localtime(filed.updated_at).replace(microsecond=0).isoformat(),
        "expected_datetime": None,
        "address": "City Hall, room 301",
        "address_id": None,
        "zipcode": None,
        "lat": 40.7128,
        "long": -74.006,
        "media_url": "https://photos.example/desk.jpg",
    }
    assert item == (expected if fmt == "json" else as_text(expected))
    if fmt == "json":
        assert list(item) == list(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions(client, filed, org, rita_key, fmt):
    from staffdesk.requests.services import request_add_note, request_reply

    request_reply(request=filed, author=org.it_point, body="Ordered; arrives Thursday.")
    request_add_note(request=filed, author=org.it_point, body="Vendor price 1,899")
    params = {"api_key": rita_key, "extensions": "true"}
    [item] = read(client.get(f"{BASE}/requests/{filed.number}.{fmt}", params), fmt)
    assert item["extended_attributes"] == {"channel": "open311"}
    [note] = item["notes"]
    assert note["description"] == "Ordered; arrives Thursday." and note["type"] == "reply"
    attributes = {attribute["code"]: attribute for attribute in item["attributes"]}
    assert attributes["accessories"]["values"] == [
        {"key": "bag", "name": "Laptop bag"},
        {"key": "dock", "name": "Docking station"},
    ]
    assert attributes["model"]["values"] == [{"key": "power", "name": 'Power 16"'}]
    assert attributes["quantity"]["value"] == "2"
    plain = read(client.get(f"{BASE}/requests/{filed.number}.{fmt}", {"api_key": rita_key}), fmt)
    assert "notes" not in plain[0] and "attributes" not in plain[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_resolves_to_the_id(client, filed, rita_key, fmt):
    [item] = read(client.get(f"{BASE}/tokens/{filed.number}.{fmt}", {"api_key": rita_key}), fmt)
    assert item == {"service_request_id": filed.number, "token": filed.number}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "services/no-such-service", 404),
        ("GET", "requests/IT-999999", 404),
        ("GET", "tokens/IT-999999", 404),
        ("GET", "no/such/resource", 404),
        ("POST", "services", 405),
        ("DELETE", "requests", 405),
    ],
)
def test_errors(client, org, fmt, method, path, status):
    response = client.generic(method, f"{BASE}/{path}.{fmt}")
    assert response.status_code == status
    errors = read(response, fmt)
    assert len(errors) == 1 and set(errors[0]) == {"code", "description"}
    assert errors[0]["code"] == (status if fmt == "json" else str(status))
    assert errors[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_several_errors_in_one_response(client, laptop, rita_key, fmt):
    body = form(rita_key, attributes={"model": "golden"}, description="x" * 4001, lat="north")
    response = post(client, fmt, body)
    assert response.status_code == 400
    descriptions = [error["description"] for error in read(response, fmt)]
    assert len(descriptions) == 4, descriptions
    assert any(text.startswith("description: at most 4,000 characters") for text in descriptions)
    assert any(text.startswith("lat: ") for text in descriptions)
    assert any(text.startswith("attribute[model]: ") for text in descriptions)
    assert any(text.startswith("attribute[quantity]: ") for text in descriptions)
    assert not Request.objects.exists() and not Submission.objects.exists()


def test_xml_escapes_text_and_drops_what_xml_cannot_carry(client, laptop, rita_key):
    # Angle brackets are text ("Sign says <STOP>"): stored as sent, escaped on the way out.
    description = 'Fish & <chips> "quoted"\x0b tab\tend'
    response = post(
        client,
        "xml",
        form(rita_key, attributes={"model": "power", "quantity": "1"}, description=description),
    )
    [receipt] = read(response, "xml")
    path = f"{BASE}/requests/{receipt['service_request_id']}"
    as_xml = client.get(f"{path}.xml", {"api_key": rita_key})
    assert b"Fish &amp; &lt;chips&gt;" in as_xml.content
    [item] = read(as_xml, "xml")
    # XML 1.0 cannot carry a vertical tab: it is written as U+FFFD.
    assert item["description"] == 'Fish & <chips> "quoted"\ufffd tab\tend'
    as_json = client.get(f"{path}.json", {"api_key": rita_key})
    assert b"\\u003cchips\\u003e" in as_json.content and b"<chips>" not in as_json.content
    assert read(as_json, "json")[0]["description"] == description

"""A real third-party Open311 client, `georeport` from PyPI, against the live server over HTTP,
in JSON and in XML mode.

georeport 0.3.1 reads only (its README: it "does not currently support the creation of new
311 service requests"), and sends no api_key on reads. Filing therefore goes through
`GeoReportFiling`, which posts the way the client's reads fetch: the same `requests` library,
the client's root address, jurisdiction, key and format, and xmltodict for XML answers.
Reads without a key see the requests of public services, so the laptop service is made public.
"""

from __future__ import annotations

import pytest
import requests
import xmltodict
from georeport import GeoReport

from staffdesk.requests.models import Channel, Request

FORMATS = ["json", "xml"]


class GeoReportFiling(GeoReport):
    """georeport plus the one method it lacks: POST Service Request, form-encoded."""

    def post_service_request(self, service_code: str, attributes: dict | None = None, **fields):
        data = {"service_code": service_code, "api_key": self.api_key or "", **fields}
        if self.jurisdiction:
            data["jurisdiction_id"] = self.jurisdiction
        for code, value in (attributes or {}).items():
            # requests form-encodes a list as the key repeated: attribute[CODE][]=a&...=b
            data[f"attribute[{code}][]" if isinstance(value, list) else f"attribute[{code}]"] = (
                value
            )
        response = requests.post(
            f"{self.root_address}/requests.{self.output_format}", data=data, timeout=30
        )
        response.raise_for_status()
        if self.output_format == "json":
            return response.json()
        return xmltodict.parse(response.content)["service_requests"]["request"]


def errors_of(exc: requests.HTTPError, fmt: str) -> list[dict]:
    if fmt == "json":
        return exc.response.json()
    found = xmltodict.parse(exc.response.content)["errors"]["error"]
    return found if isinstance(found, list) else [found]


@pytest.fixture
def root(live_server, transactional_db, org, laptop) -> str:
    org.laptop.is_public = True
    org.laptop.save(update_fields=["is_public"])
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_the_catalog(root, fmt):
    client = GeoReport(root, output_format=fmt)
    services = client.get_service_list()
    assert [service["service_code"] for service in services] == ["hr-leave", "it-laptop"]
    laptop = services[1]
    assert laptop["metadata"] == (True if fmt == "json" else "true")
    assert laptop["type"] == "realtime"
    assert laptop["group"] == "Information Technology"
    definition = client.get_service_definition("it-laptop")
    attributes = definition["attributes"]
    if fmt == "xml":  # xmltodict: <attributes><attribute>… is a dict holding a list
        attributes = attributes["attribute"]
    assert [attribute["code"] for attribute in attributes] == [
        "model",
        "quantity",
        "needed_by",
        "accessories",
    ]
    values = attributes[3]["values"]
    values = values["value"] if fmt == "xml" else values
    assert [value["key"] for value in values] == ["bag", "mouse", "dock"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_query_and_read_one(root, org, rita_key, fmt, settings):
    settings.STAFFDESK_OPEN311_JURISDICTION = "staffdesk.city.example"
    client = GeoReportFiling(
        root, jurisdiction="staffdesk.city.example", api_key=rita_key, output_format=fmt
    )
    receipt = client.post_service_request(
        "it-laptop",
        attributes={"model": "power", "quantity": "2", "accessories": ["bag", "mouse"]},
        description="A bigger screen, please.",
        lat="40.7128",
        long="-74.006",
        address_string="City Hall, room 301",
        email="rita@city.example",
    )
    if fmt == "json":
        [receipt] = receipt
    number = receipt["service_request_id"]
    request = Request.objects.get(number=number)
    assert request.channel == Channel.OPEN311 and request.requester == org.requester
    assert request.answers["accessories"] == ["bag", "mouse"]
    assert request.assignee == org.it_point
    # A confidential filing, which must never show in the keyless reads below.
    hidden = client.post_service_request("hr-leave", attributes={"reason": "Surgery"})
    hidden_number = (hidden[0] if fmt == "json" else hidden)["service_request_id"]

    found = client.get_service_requests(service_code="it-laptop,hr-leave", status="open")
    found = found if isinstance(found, list) else [found]
    assert [item["service_request_id"] for item in found] == [number]
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    assert one["agency_responsible"] == "Information Technology"
    assert one["address"] == "City Hall, room 301"
    assert float(one["lat"]) == 40.7128 and float(one["long"]) == -74.006
    by_id = client.get_service_requests(service_request_id=f"{number},{hidden_number}")
    by_id = by_id if isinstance(by_id, list) else [by_id]
    assert [item["service_request_id"] for item in by_id] == [number]
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_request(hidden_number)
    assert caught.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as caught:
        GeoReport(root, jurisdiction="chicago.il", output_format=fmt).get_service_list()
    assert caught.value.response.status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_refusals(root, rita_key, fmt):
    def refused(key: str, service_code: str, **fields) -> tuple[int, list[dict]]:
        client = GeoReportFiling(root, api_key=key, output_format=fmt)
        with pytest.raises(requests.HTTPError) as caught:
            client.post_service_request(service_code, **fields)
        return caught.value.response.status_code, errors_of(caught.value, fmt)

    laptop = {"model": "standard", "quantity": "1"}
    status, [error] = refused(rita_key, "it-laptop", attributes={"model": "standard"})
    assert status == 400
    assert error["description"] == "attribute[quantity]: Quantity: this answer is required"
    assert str(error["code"]) == "400"
    status, [error] = refused("sdk_not-a-real-key", "it-laptop", attributes=laptop)
    assert status == 403 and str(error["code"]) == "403"
    status, _ = refused("", "it-laptop", attributes=laptop)
    assert status == 403
    status, [error] = refused(rita_key, "no-such-service", attributes=laptop)
    assert status == 404 and "no-such-service" in error["description"]
    status, [error] = refused(rita_key, "it-laptop", attributes=laptop, description="x" * 4001)
    assert status == 400 and error["description"].startswith("description: at most 4,000")
    assert not Request.objects.exists()

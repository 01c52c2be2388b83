"""GET requests and one request: visibility (with and without a key), filters, the window,
paging, jurisdiction and the key setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import LAPTOP_ANSWERS
from staffdesk.core import clock
from staffdesk.directory.services import api_token_create
from staffdesk.requests.models import Request
from staffdesk.requests.services import (
    request_add_note,
    request_reply,
    request_submit,
    request_transition,
)
from tests.open311.conftest import BASE, read

ROLES = ["requester", "colleague", "unrelated", "it_agent", "hr_agent", "it_lead", "admin"]


def numbers(client, path: str = "requests.json", **params) -> list[str]:
    response = client.get(f"{BASE}/{path}", params)
    assert response.status_code == 200, response.content
    return [item["service_request_id"] for item in response.json()]


def error(client, path: str, **params) -> tuple[int, list[str]]:
    response = client.get(f"{BASE}/{path}", params)
    return response.status_code, [e["description"] for e in response.json()]


@pytest.fixture
def cases(org):
    it = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    hr = request_submit(requester=org.requester, service=org.leave, answers={"reason": "Surgery"})
    other = request_submit(requester=org.unrelated, service=org.laptop, answers=LAPTOP_ANSWERS)
    request_reply(request=it, author=org.it_point, body="On order.")
    request_add_note(request=it, author=org.it_point, body="Vendor price 1,899")
    return {"it": it, "hr": hr, "other": other}


def make_public(service) -> None:
    service.is_public = True
    service.save(update_fields=["is_public"])


def test_without_a_key_nothing_is_public_by_default(client, cases):
    assert numbers(client) == []
    assert numbers(client, status="open") == []
    for case in cases.values():
        assert error(client, f"requests/{case.number}.json")[0] == 404


def test_without_a_key_public_services_only_and_never_confidential(client, org, cases):
    make_public(org.laptop)
    assert numbers(client) == [cases["other"].number, cases["it"].number]
    status, messages = error(client, f"requests/{cases['hr'].number}.json")
    missing = error(client, "requests/HR-999999.json")
    assert (status, missing[0]) == (404, 404)
    assert messages == [f"No service request {cases['hr'].number}."]
    assert missing[1] == ["No service request HR-999999."]
    ids = ",".join(case.number for case in cases.values())
    assert set(numbers(client, service_request_id=ids)) == {
        cases["it"].number,
        cases["other"].number,
    }
    assert error(client, f"tokens/{cases['hr'].number}.json")[0] == 404
    # Public replies only: the internal note stays inside the team.
    [item] = client.get(f"{BASE}/requests/{cases['it'].number}.json", {"extensions": "true"}).json()
    assert [note["description"] for note in item["notes"]] == ["On order."]


def test_a_case_filed_while_confidential_stays_hidden(client, org, cases):
    org.leave.confidential = False
    org.leave.save(update_fields=["confidential"])
    make_public(org.leave)
    assert cases["hr"].number not in numbers(client)


def test_a_confidential_service_cannot_be_public(org):
    from django.core.exceptions import ValidationError

    org.leave.is_public = True
    with pytest.raises(ValidationError, match="A confidential service cannot be public"):
        org.leave.full_clean()


def test_an_integration_reads_what_anybody_may(client, org, cases, integration_key):
    assert numbers(client, api_key=integration_key) == []
    make_public(org.laptop)
    assert cases["hr"].number not in numbers(client, api_key=integration_key)


@pytest.mark.parametrize("role", ROLES)
def test_with_a_key_exactly_what_the_person_may_see(client, org, cases, role):
    person = getattr(org, role)
    key = api_token_create(person=person, name="311")[1]
    make_public(org.laptop)  # changes nothing for someone signed in
    visible = set(Request.objects.visible_to(person).values_list("number", flat=True))
    assert set(numbers(client, api_key=key)) == visible
    everything = ",".join(case.number for case in cases.values())
    assert set(numbers(client, api_key=key, service_request_id=everything)) == visible
    for case in cases.values():
        for path in (f"requests/{case.number}.json", f"tokens/{case.number}.xml"):
            status = client.get(f"{BASE}/{path}", {"api_key": key}).status_code
            assert status == (200 if case.number in visible else 404), (role, path)


def test_wrong_key_on_a_read_is_403(client, cases):
    status, [message] = error(client, "requests.json", api_key="sdk_wrong")
    assert status == 403 and "api_key" in message


@pytest.fixture
def history(org):
    """Rita's laptop requests filed 100, 60, 10 and 1 days ago; the 10-day one resolved."""
    now = clock.now()
    filed = {
        days: request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"{days} days ago",
            now=now - timedelta(days=days),
        )
        for days in (100, 60, 10, 1)
    }
    request_transition(request=filed[10], actor=org.it_point, to_status="resolved")
    request_submit(requester=org.requester, service=org.leave, answers={"reason": "Rest"})
    return {days: request.number for days, request in filed.items()}


def test_default_window_is_the_last_90_days(client, rita_key, history):
    assert numbers(client, api_key=rita_key, service_code="it-laptop") == [
        history[1],
        history[10],
        history[60],
    ]


def test_status_and_service_code_filters(client, rita_key, history):
    assert numbers(client, api_key=rita_key, status="closed") == [history[10]]
    open_ = numbers(client, api_key=rita_key, status="open", service_code="it-laptop")
    assert open_ == [history[1], history[60]]
    assert len(numbers(client, api_key=rita_key, status="open,closed")) == 4
    assert len(numbers(client, api_key=rita_key, service_code="it-laptop,hr-leave")) == 4
    assert numbers(client, api_key=rita_key, service_code="no-such") == []
    status, [message] = error(client, "requests.json", api_key=rita_key, status="pending")
    assert status == 400 and message.startswith("status: open or closed")


def test_date_window(client, rita_key, history):
    now = clock.now()

    def w3c(days: float) -> str:
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert numbers(client, api_key=rita_key, start_date=w3c(120), end_date=w3c(50)) == [
        history[60],
        history[100],
    ]
    # One end given: 90 days from (or up to) it.
    assert numbers(client, api_key=rita_key, start_date=w3c(101)) == [history[60], history[100]]
    assert numbers(client, api_key=rita_key, end_date=w3c(55)) == [history[60], history[100]]
    status, [message] = error(
        client, "requests.json", api_key=rita_key, start_date=w3c(100), end_date=w3c(9)
    )
    assert status == 400 and "90 days" in message
    status, [message] = error(
        client, "requests.json", api_key=rita_key, start_date=w3c(5), end_date=w3c(9)
    )
    assert status == 400 and message.startswith("end_date")
    status, messages = error(client, "requests.json", start_date="yesterday", end_date="13/01/2026")
    assert status == 400 and len(messages) == 2
    # With an offset, or a bare date read in the organization's time zone.
    assert numbers(client, api_key=rita_key, start_date=(now - timedelta(days=2)).isoformat())
    assert numbers(
        client, api_key=rita_key, start_date=(now - timedelta(days=2)).date().isoformat()
    )


def test_ids_override_the_window_and_filters(client, rita_key, history):
    ids = f"{history[100]},{history[1].lower()}"
    found = numbers(client, api_key=rita_key, service_request_id=ids, status="closed")
    assert found == [history[1], history[100]]


def test_paging(client, rita_key, history):
    laptops = {"api_key": rita_key, "service_code": "it-laptop", "page_size": 2}
    assert numbers(client, **laptops) == [history[1], history[10]]
    assert numbers(client, **laptops, page=2) == [history[60]]
    assert numbers(client, **laptops, page=9) == []
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page_size": "ten"}):
        assert error(client, "requests.json", api_key=rita_key, **bad)[0] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction(client, org, rita_key, fmt, settings):
    settings.STAFFDESK_OPEN311_JURISDICTION = "staffdesk.city.example"
    for path in ("discovery", "services", "services/it-laptop", "requests"):
        ok = client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": "STAFFDESK.city.example"})
        assert ok.status_code == 200
        assert client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": ""}).status_code == 200
        unknown = client.get(f"{BASE}/{path}.{fmt}", {"jurisdiction_id": "chicago.il"})
        assert unknown.status_code == 404
        [message] = read(unknown, fmt)
        assert "jurisdiction_id" in message["description"]
    response = client.post(
        f"{BASE}/requests.{fmt}",
        {"api_key": rita_key, "service_code": "it-laptop", "jurisdiction_id": "chicago.il"},
    )
    assert response.status_code == 404 and not Request.objects.exists()


def test_a_setting_requires_a_key_for_reads(client, org, rita_key, settings):
    settings.STAFFDESK_OPEN311_REQUIRE_KEY = True
    assert client.get(f"{BASE}/discovery.json").status_code == 200
    for path in ("services.json", "services/it-laptop.xml", "requests.json"):
        assert client.get(f"{BASE}/{path}").status_code == 403
        assert client.get(f"{BASE}/{path}", {"api_key": rita_key}).status_code == 200


def test_query_count_does_not_grow(client, org, rita_key):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{BASE}/requests.xml", {"api_key": rita_key, "extensions": "1"})
        assert response.status_code == 200
        return len(captured)

    def file(n: int) -> None:
        for i in range(n):
            item = request_submit(
                requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS
            )
            request_reply(request=item, author=org.it_point, body=f"reply {i}")

    file(2)
    client.get(f"{BASE}/requests.json", {"api_key": rita_key})  # the token's last use is recorded
    few = count()
    file(10)
    assert count() == few <= 5

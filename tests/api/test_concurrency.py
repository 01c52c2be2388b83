"""Acceptance: concurrent filing gives distinct, gap-free numbers; an idempotency key gives one request."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.services import api_token_create
from staffdesk.requests.models import IdempotencyKey, Request

PARALLEL = 50


def _post_many(base_url: str, token: str, bodies, headers=None):
    url = f"{base_url}/api/v1/requests"

    def post(body):
        with httpx.Client(timeout=60) as client:
            return client.post(
                url, json=body, headers={"Authorization": f"Bearer {token}", **(headers or {})}
            )

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(post, bodies))


def test_fifty_concurrent_creations_get_fifty_distinct_numbers(org, production_server):
    _, token = api_token_create(person=org.requester, name="load")
    bodies = [
        {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "subject": f"Laptop {i}"}
        for i in range(PARALLEL)
    ]
    responses = _post_many(production_server, token, bodies)
    assert [r.status_code for r in responses] == [201] * PARALLEL, {r.text for r in responses}
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"IT-{n:06d}" for n in range(1, PARALLEL + 1)]
    assert Request.objects.count() == PARALLEL


def test_fifty_retries_with_one_idempotency_key_make_one_request(org, production_server):
    _, token = api_token_create(person=org.requester, name="load")
    body = {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "subject": "Exactly one laptop"}
    responses = _post_many(
        production_server, token, [body] * PARALLEL, headers={"Idempotency-Key": "order-7f3a"}
    )
    assert {r.status_code for r in responses} == {201}, {r.text for r in responses}
    assert {r.json()["number"] for r in responses} == {"IT-000001"}
    assert Request.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1

    # The next request gets the next number: the losers' rolled-back numbers left no gap.
    later = _post_many(production_server, token, [{**body, "subject": "Another"}])
    assert later[0].json()["number"] == "IT-000002"


def test_same_key_with_another_body_is_a_conflict(org, api):
    rita = api(org.requester)
    first = rita.post(
        "/requests",
        json={"service": "it-laptop", "answers": LAPTOP_ANSWERS},
        headers={"Idempotency-Key": "k1"},
    )
    again = rita.post(
        "/requests",
        json={"service": "it-laptop", "answers": LAPTOP_ANSWERS},
        headers={"Idempotency-Key": "k1"},
    )
    other = rita.post(
        "/requests",
        json={"service": "it-laptop", "answers": {"model": "power", "quantity": 2}},
        headers={"Idempotency-Key": "k1"},
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert other.status_code == 409
    assert "different body" in other.json()["message"]
    assert Request.objects.count() == 1
    # Keys belong to a person: the same key from someone else is a new request.
    colin = api(org.colleague).post(
        "/requests",
        json={"service": "it-laptop", "answers": LAPTOP_ANSWERS},
        headers={"Idempotency-Key": "k1"},
    )
    assert colin.status_code == 201 and colin.json()["number"] == "IT-000002"

"""List endpoints run a fixed number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import LAPTOP_ANSWERS
from staffdesk.directory.services import api_token_create
from staffdesk.requests.services import request_reply, request_submit, watcher_add


def _queries(client, path, token, **params):
    # A first call records the token's last use; measure the steady state after it.
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def _file(org, count):
    for i in range(count):
        item = request_submit(
            requester=org.requester,
            service=org.laptop,
            answers=LAPTOP_ANSWERS,
            subject=f"Laptop {i}",
            on_behalf_of=None,
        )
        request_reply(request=item, author=org.it_point, body=f"reply {i}")
        watcher_add(request=item, actor=org.requester, person=org.colleague)


def test_me_with_a_token_is_two_queries(org, client, django_assert_num_queries):
    """The token check (person and department with it) and the teams; no session."""
    _, token = api_token_create(person=org.it_agent, name="t")
    bearer = {"Authorization": f"Bearer {token}"}
    with django_assert_num_queries(3):  # the first call also records the token's use
        client.get("/api/v1/me", headers=bearer)
    with django_assert_num_queries(2):
        me = client.get("/api/v1/me", headers=bearer)
    assert me.json()["department"] == "IT"
    assert me.json()["teams"] == [{"department": "IT", "role": "member"}]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/requests",
        "/api/v1/services",
        "/api/v1/departments",
        "/api/v1/people",
        "/api/v1/me/notifications",
        "/api/v1/requests/counts",
    ],
)
def test_list_query_count_does_not_grow(org, client, path):
    _, token = api_token_create(person=org.it_agent, name="t")
    _file(org, 2)
    small, _ = _queries(client, path, token)
    _file(org, 12)
    large, _ = _queries(client, path, token)
    assert small == large, f"{path}: {small} queries with few rows, {large} with more"
    assert small <= 6


def test_request_list_page_sizes_cost_the_same(org, client):
    _, token = api_token_create(person=org.it_agent, name="t")
    _file(org, 15)
    counts = {
        limit: _queries(client, "/api/v1/requests", token, limit=limit)[0] for limit in (1, 5, 15)
    }
    assert len(set(counts.values())) == 1, counts


def test_request_detail_query_count_does_not_grow_with_the_timeline(org, client):
    _, token = api_token_create(person=org.requester, name="t")
    item = request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    small, _ = _queries(client, f"/api/v1/requests/{item.number}", token)
    for i in range(10):
        request_reply(request=item, author=org.it_point, body=f"reply {i}")
    large, detail = _queries(client, f"/api/v1/requests/{item.number}", token)
    assert len(detail["timeline"]) == 12
    assert small == large


def test_request_list_reads_only_its_columns_without_a_query_per_row(org, client):
    """The list loads only what it shows; every shown field must be among those columns."""
    _, token = api_token_create(person=org.it_agent, name="t")
    _file(org, 2)
    request_submit(
        requester=org.it_agent,
        service=org.laptop,
        answers=LAPTOP_ANSWERS,
        subject="For a colleague",
        on_behalf_of=org.colleague,
    )
    small, _ = _queries(client, "/api/v1/requests", token)
    _file(org, 6)
    large, page = _queries(client, "/api/v1/requests", token)
    assert small == large
    shown = next(item for item in page["items"] if item["subject"] == "For a colleague")
    assert shown["on_behalf_of"]["name"] == org.colleague.display_name
    assert shown["requester"]["email"] == org.it_agent.email
    assert shown["assignee"]["id"] == org.it_point.pk
    assert shown["service_name"] == org.laptop.name and shown["department"] == "IT"
    assert shown["answers"] == LAPTOP_ANSWERS and shown["created_at"]


def _create_statements(client, token):
    body = {"service": "it-laptop", "answers": LAPTOP_ANSWERS, "priority": 3}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/v1/requests",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.content
    return [query["sql"] for query in captured]


def test_filing_runs_few_statements_and_only_writes_while_it_holds_the_lock(
    org, client, transactional_db
):
    """The token, the cache's generations; then, in the transaction, the number, the request,
    its events, the assignee's notification; the filer's teams for the answer. No re-read of
    the request, and (SQLite) no read while the write lock is held."""
    _, token = api_token_create(person=org.requester, name="t")
    _create_statements(client, token)  # the token's first use, the cache filled
    statements = _create_statements(client, token)
    begin = [i for i, sql in enumerate(statements) if sql.startswith("BEGIN")]
    work = [sql for sql in statements if sql.split()[0] not in ("BEGIN", "COMMIT")]
    assert len(work) == 7, "\n".join(sql[:90] for sql in statements)
    if connection.vendor == "sqlite":
        assert len(begin) == 1
        writes = statements[begin[0] + 1 : begin[0] + 5]
        assert [sql.split()[0] for sql in writes] == ["INSERT"] * 4, statements
    assert not any("requests_request" in sql and sql.startswith("SELECT") for sql in statements)

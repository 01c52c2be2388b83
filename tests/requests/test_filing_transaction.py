"""Filing holds the write transaction only for the writes: on SQLite, whose one writer blocks
all others, the checks and routing reads happen before BEGIN, on the web as in the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Request
from staffdesk.requests.services import request_submit
from staffdesk.requests.services.filing import request_submit_with_files

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's BEGIN is implicit (autocommit off) and not among the captured queries",
)


def _reads_before_begin(queries: list[str]) -> list[str]:
    begin = next(index for index, sql in enumerate(queries) if sql.startswith("BEGIN"))
    return queries[:begin]


@pytest.mark.parametrize("files", [False, True], ids=["api", "web form with a file"])
def test_routing_is_read_before_the_transaction(org, agreement, transactional_db, files):
    with CaptureQueriesContext(connection) as captured:
        if files:
            request_submit_with_files(
                requester=org.requester,
                service=org.laptop,
                answers=LAPTOP_ANSWERS,
                files=[SimpleUploadedFile("a.txt", b"data")],
            )
        else:
            request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)
    before = _reads_before_begin([query["sql"] for query in captured.captured_queries])
    assert any('FROM "sla_agreement"' in sql for sql in before), before
    assert all(sql.startswith("SELECT") for sql in before), before
    filed = Request.objects.get()
    assert filed.sla_agreement == agreement and filed.assignee == org.it_point
    assert filed.attachments.count() == (1 if files else 0)

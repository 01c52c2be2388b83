"""A question about an information-only service, filed as a request of that service.

Filed on the same service rather than on the general service: the information page names
the service's point person and department, and a request of that service is routed to that
person (or their backup or delegate when away, `routing.route_assignee`), sits in that
department's queue, runs that department's agreement and notifies the assignee, all through
`request_submit` like any other request. The general service would send the question to the
service desk, who would only have to pass it on.
"""

from __future__ import annotations

from datetime import datetime

from staffdesk.catalog.models import Service
from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.requests.models import Request
from staffdesk.requests.services.submit import request_submit

QUESTION_MAX = 2_000
SUBJECT_WORDS = 80


def request_ask(
    *, requester: Person, service: Service, question: str, now: datetime | None = None
) -> Request:
    """File `question` for the point person of the information-only `service`."""
    text = question.strip()
    if not text:
        raise ValidationFailed(
            "The question was not sent: write your question.",
            errors={"question": ["write your question"]},
        )
    if len(text) > QUESTION_MAX:
        raise ValidationFailed(
            f"The question was not sent: at most {QUESTION_MAX:,} characters.",
            errors={"question": [f"at most {QUESTION_MAX:,} characters"]},
        )
    return request_submit(
        requester=requester,
        service=service,
        answers={},
        subject=question_subject(text),
        description=text,
        asking=True,
        now=now,
    )


def question_subject(text: str) -> str:
    """ "Question: " and the question's first line, cut at a word near 80 characters."""
    first = " ".join(text.splitlines()[0].split())
    if len(first) > SUBJECT_WORDS:
        first = first[:SUBJECT_WORDS].rsplit(" ", 1)[0] + "…"
    return f"Question: {first}"

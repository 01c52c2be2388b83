"""What the suggestion box's reads share: the statuses and the way forward, the filters
of status, who answers a suggestion, overdue, the hash of a private link."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.selectors import is_agent_of
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Suggestion, SuggestionStatus

Status = SuggestionStatus


OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS)


# The way forward: a response moves a suggestion on to a later one of these, or declines it.
FORWARD = (*OPEN_STATUSES, Status.DONE)


PAGE_SIZE = 25


STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    **{value: (value,) for value in Status.values},
}


def secret_hash(secret: str) -> str:
    """What is stored of a private follow link's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def next_statuses(status: str) -> list[str]:
    """The statuses a response may move a suggestion in `status` to: any later step on the
    way to done, or declined; none once it is done, declined or merged."""
    if status not in OPEN_STATUSES:
        return []
    return [*FORWARD[FORWARD.index(status) + 1 :], Status.DECLINED]


def may_answer(user: Viewer, suggestion: Suggestion) -> bool:
    """The owning department's team answers, merges and restricts its suggestions."""
    return is_agent_of(user, suggestion.department_id)


def check_choice(value: str, choices: Iterable[str], field_name: str) -> None:
    options = list(choices)
    if value not in options:
        raise ValidationFailed(
            f"Unknown {field_name} {value!r}: one of {', '.join(options)}.",
            errors={field_name: [f"one of {', '.join(options)}"]},
        )


def overdue_q(moment: datetime) -> Q:
    # Suggestion.is_overdue as a filter: unanswered, still submitted, past its target.
    return Q(status=Status.SUBMITTED, responded_at__isnull=True, respond_by__lte=moment)

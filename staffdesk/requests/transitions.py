"""The status machine: where each status may go, for the providing team and for the
requester's side. Who has which role is the selectors' business
(`selectors.allowed_transitions`), which the page, the API and the workflow all ask.
"""

from __future__ import annotations

from staffdesk.requests.models import OPEN_STATUSES, Status

# Where each status may go, for the providing team.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.ACKNOWLEDGED: (
        Status.IN_PROGRESS,
        Status.WAITING_ON_REQUESTER,
        Status.RESOLVED,
        Status.CANCELLED,
    ),
    Status.IN_PROGRESS: (Status.WAITING_ON_REQUESTER, Status.RESOLVED, Status.CANCELLED),
    Status.WAITING_ON_REQUESTER: (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}

# What the requester's side may do themselves: withdraw, confirm, or reopen.
REQUESTER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    **{status: (Status.CANCELLED,) for status in OPEN_STATUSES},
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
}


def moves(status: str, *, team: bool, requester_side: bool) -> tuple[str, ...]:
    """The statuses a request in `status` may move to, for someone with these roles."""
    allowed: list[str] = list(TRANSITIONS[status]) if team else []
    if requester_side:
        allowed.extend(s for s in REQUESTER_TRANSITIONS.get(status, ()) if s not in allowed)
    return tuple(allowed)

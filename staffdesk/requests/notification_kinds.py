"""The notification kinds requests send (services/notify.py callers), registered at start-up."""

from __future__ import annotations

from staffdesk.notifications.kinds import register

# In the order the profile page lists them. Status kinds are "request_<status>".
REQUEST_KINDS: list[tuple[str, str]] = [
    ("request_assigned", "Assigned to me"),
    ("request_reply", "New public reply"),
    ("request_acknowledged", "Request acknowledged"),
    ("request_waiting_on_requester", "Request waiting on me"),
    ("request_resolved", "Request resolved"),
    ("request_cancelled", "Request cancelled"),
    ("request_in_progress", "Request reopened by its requester"),
    ("request_closed", "Request closed by its requester"),
]


def register_kinds() -> None:
    for code, label in REQUEST_KINDS:
        register(code, label)

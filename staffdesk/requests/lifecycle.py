"""What upper layers do when a request changes status, without the requests app knowing them.

An app above `requests` (feedback's satisfaction surveys) calls `register(listener)` in its
`AppConfig.ready()`. Every status change, by a person or by the requests app itself (a
requester's reply reopening a resolved request), calls each listener with keyword
arguments, inside the transaction that records the change and with the request locked:

- `request`: the request, its new status already saved;
- `from_status`, `to_status`: the change;
- `event`: the timeline event that records it;
- `now`: the change's instant.

A listener writes only its own app's rows (and outbox notifications); an exception rolls
the change back with it, so a listener refuses nothing it has not been asked to decide.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from staffdesk.requests.models import Request, RequestEvent


class StatusListener(Protocol):
    def __call__(
        self,
        *,
        request: Request,
        from_status: str,
        to_status: str,
        event: RequestEvent,
        now: datetime,
    ) -> None: ...


_listeners: list[StatusListener] = []


def register(listener: StatusListener) -> None:
    """Add a listener; registering the same one again (a second `ready()`) changes nothing."""
    if listener not in _listeners:
        _listeners.append(listener)


def status_changed(
    *, request: Request, from_status: str, to_status: str, event: RequestEvent, now: datetime
) -> None:
    """Tell every registered listener, in registration order (the order of INSTALLED_APPS)."""
    for listener in _listeners:
        listener(
            request=request, from_status=from_status, to_status=to_status, event=event, now=now
        )

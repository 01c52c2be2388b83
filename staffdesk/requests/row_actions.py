"""Actions that upper layers put on the rows of "My requests", without the requests app
knowing them (feedback's "Rate it" on a resolved request whose survey waits for an answer).

An app above `requests` calls `register(provider)` in its `AppConfig.ready()`. The page calls
every provider once per page with keyword arguments:

- `user`: the person looking;
- `requests`: the requests on the page (each already visible to them);

and each returns {request id: [RowAction, ...]} for the requests it has something to offer
on. A provider reads at most one query for the whole page, never one per row, and none
when no request on the page concerns it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from staffdesk.directory.types import Viewer
from staffdesk.requests.models import Request


@dataclass(frozen=True)
class RowAction:
    """A link on a request's row: its words, and where it goes."""

    label: str
    url: str


class RowActionProvider(Protocol):
    def __call__(
        self, *, user: Viewer, requests: Sequence[Request]
    ) -> dict[int, list[RowAction]]: ...


_providers: list[RowActionProvider] = []


def register(provider: RowActionProvider) -> None:
    """Add a provider; registering the same one again (a second `ready()`) changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def with_row_actions(
    *, user: Viewer, requests: Sequence[Request]
) -> list[tuple[Request, list[RowAction]]]:
    """The page's requests, in order, each with what every provider offers on it."""
    found: dict[int, list[RowAction]] = defaultdict(list)
    if requests:
        for provider in _providers:
            for request_id, actions in provider(user=user, requests=requests).items():
                found[request_id].extend(actions)
    return [(request, found.get(request.pk, [])) for request in requests]

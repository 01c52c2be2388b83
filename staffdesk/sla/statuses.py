"""The request statuses an agreement can pause its resolution clock in.

Requests sit above sla, so sla does not import their statuses: the requests app tells them
here in its `AppConfig.ready()` (`register_request_statuses`), and the agreement's admin
form offers them as boxes to tick.
"""

from __future__ import annotations

from collections.abc import Sequence

_statuses: list[tuple[str, str]] = []


def register_request_statuses(choices: Sequence[tuple[str, str]]) -> None:
    """The (value, label) pairs of the statuses a request can pause in."""
    _statuses[:] = list(choices)


def request_statuses() -> list[tuple[str, str]]:
    return list(_statuses)

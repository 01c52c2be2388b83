"""Badges that upper layers put beside a service's name in the catalog, without the catalog
knowing them (announcements puts "Outage" there while a notice is current).

An app above `catalog` calls `register(provider)` in its `AppConfig.ready()`. The catalog
pages call every provider once per page with the user and the ids of the services shown;
each returns {service id: [Badge, ...]} for the services it has something to say about
(one query for all of them, never one per service).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from staffdesk.directory.types import Viewer


@dataclass(frozen=True)
class Badge:
    """A word beside the service's name (never colour alone), linking to what it is about."""

    label: str
    tone: str  # a Bootstrap colour: danger, warning, info, secondary
    url: str = ""
    title: str = ""


class BadgeProvider(Protocol):
    def __call__(self, *, user: Viewer, service_ids: set[int]) -> dict[int, list[Badge]]: ...


_providers: list[BadgeProvider] = []


def register(provider: BadgeProvider) -> None:
    """Add a provider; registering the same one again (a second `ready()`) changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def service_badges(*, user: Viewer, service_ids: Iterable[int]) -> dict[int, list[Badge]]:
    """{service id: its badges from every provider}, for the services of a page."""
    ids = set(service_ids)
    found: dict[int, list[Badge]] = defaultdict(list)
    if not ids:
        return {}
    for provider in _providers:
        for service_id, badges in provider(user=user, service_ids=ids).items():
            found[service_id].extend(badges)
    return dict(found)

"""Sections that upper layers add to the request page, without the requests app knowing them.

This is the way an app above `requests` (escalation today) puts something on the request
page: in its `AppConfig.ready()` it calls `register(provider)`. On every view of the page
each provider is called with keyword arguments:

- `user`: the person looking;
- `request`: the request, already checked to be visible to them;
- `now`: the page's "now";
- `timeline`: the events this user may see, oldest first, as the page has already read them
  (`read.TimelineEntry`s).

and returns a `Panel` (a template and its context) to show in the page's right column, or
None to show nothing. The template is included with the page's own context (`item`, `user`,
`failed`, `errors`, `values`, the CSRF token...) plus `panel`, the panel's context; a form
in it posts to the upper layer's own view, which answers through
`requests.views.detail.act_on_request` like every other action of the page.

Providers run on every view of the page, in registration order (the order of
INSTALLED_APPS), and the page is held to a few queries: read what `timeline` already holds
rather than querying again, and never write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from staffdesk.directory.types import Viewer
from staffdesk.requests.models import Request
from staffdesk.requests.read import TimelineEntry


@dataclass(frozen=True)
class Panel:
    """One section of the request page's right column."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


class PanelProvider(Protocol):
    def __call__(
        self, *, user: Viewer, request: Request, now: datetime, timeline: Sequence[TimelineEntry]
    ) -> Panel | None: ...


_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> None:
    """Add a provider; registering the same one again (a second `ready()`) changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def detail_panels(
    *, user: Viewer, request: Request, now: datetime, timeline: Sequence[TimelineEntry]
) -> list[Panel]:
    """The panels every registered provider has for this user and request, in order."""
    panels = (
        provider(user=user, request=request, now=now, timeline=timeline) for provider in _providers
    )
    return [panel for panel in panels if panel is not None]

""" "Thank the people who helped": the end of the survey page, where recognition plugs in.

The survey page (signed in, or opened from the mail's link) ends with this section. An app
that lets people thank each other (peer kudos) calls `register(provider)` in its
`AppConfig.ready()`; on every view of a survey page each provider is called with keyword
arguments:

- `survey`: the survey shown, with its request, person and department;
- `helpers`: the people of the providing team who replied on the request or were assigned
  to it, as its requester's side sees the timeline;
- `viewer`: whoever is looking (the person asked, signed in, or anonymous on the mail's
  link page, where the link's secret vouched for them).

and returns a `ThanksOption` (a template and its context) or None. The template is included
in the section with the page's context (`survey`, `thanks`, the CSRF token...) plus
`option`, the option's context; a form in it posts to the providing app's own view.
With no provider registered, or none with something to offer, the section names the
helpers, without a link: there is nothing to do with them yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Survey
from staffdesk.feedback.selectors.surveys import team_helpers


@dataclass(frozen=True)
class ThanksOption:
    """One way to thank the helpers: a template included in the section, with its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


class ThanksProvider(Protocol):
    def __call__(
        self, *, survey: Survey, helpers: Sequence[Person], viewer: Viewer
    ) -> ThanksOption | None: ...


_providers: list[ThanksProvider] = []


def register(provider: ThanksProvider) -> None:
    """Add a provider; registering the same one again (a second `ready()`) changes nothing."""
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: ThanksProvider) -> None:
    """Take a provider out again (an app switched off, or a test that added one)."""
    if provider in _providers:
        _providers.remove(provider)


@dataclass(frozen=True)
class ThanksSection:
    """What the section shows: the helpers, and the options the providers offer (if any)."""

    helpers: tuple[Person, ...]
    options: tuple[ThanksOption, ...]


def thanks_section(*, survey: Survey, viewer: Viewer) -> ThanksSection:
    helpers = team_helpers(survey=survey)
    offered = (
        provider(survey=survey, helpers=helpers, viewer=viewer) for provider in list(_providers)
    )
    return ThanksSection(
        helpers=tuple(helpers), options=tuple(option for option in offered if option is not None)
    )

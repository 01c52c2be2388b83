"""String enums for modules that import no Django, usable as a model field's choices.

Django's `TextChoices` lives in `django.db.models`; the pure modules (the SLA clocks, the
escalation triggers) name their states with these instead, and the models take
`choices=ClockState.choices()`. A member compares equal to its stored value
(`ClockState.AT_RISK == "at_risk"`), so rows read back as plain strings still match.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Choices(StrEnum):
    """A member's label is its name in words (AT_RISK: "At risk") unless `labels()` says."""

    @classmethod
    def labels(cls) -> Mapping[str, str]:
        return {}

    @property
    def label(self) -> str:
        return self.labels().get(self.value) or self.name.replace("_", " ").capitalize()

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

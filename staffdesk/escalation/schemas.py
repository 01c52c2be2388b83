"""API shapes of escalation."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from staffdesk.core.types import Text
from staffdesk.directory.schemas import PersonRef
from staffdesk.escalation.display import describe
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services.requester import REASON_MAX
from staffdesk.escalation.triggers import WatchedClock


class EscalateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Text = Field(description=f"Why; required, up to {REASON_MAX} characters.")


class LevelRef(Schema):
    position: int = Field(description="1 is the first level.")
    name: str


class EscalationOut(Schema):
    """One fired level of the request."""

    level: int = Field(validation_alias="level.position")
    name: str = Field(validation_alias="level.name")
    clock: WatchedClock = Field(description="What the trigger read.")
    source: Escalation.Source = Field(description="trigger (the policy) or requester")
    actor: PersonRef | None = Field(description="Who escalated; null for a trigger.")
    reason: Text = Field(description="The requester's reason; empty for a trigger.")
    why: str = Field("", description="For a trigger, what made the level fire, in words.")
    fired_at: datetime

    @staticmethod
    def resolve_why(escalation: Escalation) -> str:
        return describe(escalation.level) if escalation.source == Escalation.Source.TRIGGER else ""


class EscalationsOut(Schema):
    levels: list[EscalationOut] = Field(description="The levels fired so far that I may see.")
    can_escalate: bool = Field(description="Whether I may escalate now (the requester's side).")
    next_level: LevelRef | None = Field(
        description="Where an escalation of mine goes: the lowest level not fired yet."
    )
    why_not: str = Field(description="When I cannot escalate, why (or from when I can).")

"""API shapes of requests."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Schema
from pydantic import AliasPath, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from staffdesk.core.api import ReadOut
from staffdesk.core.text import normalise_texts
from staffdesk.core.types import Id, String, Text, bounded_int
from staffdesk.directory.schemas import PersonRef
from staffdesk.requests.models import Urgency
from staffdesk.requests.read import RequestDetail
from staffdesk.requests.sla.clocks import ClockState

if TYPE_CHECKING:
    Priority = int  # a whole number to the checker; pydantic reads the bounds
else:
    Priority = bounded_int(1, 4)
# Form answers keyed by field code; text answers are user text like any other.
Answers = Annotated[dict[str, Any], BeforeValidator(normalise_texts)]


class RequestCreateIn(Schema):
    """What a caller may set when filing; status, assignee, department and number are not among it."""

    model_config = ConfigDict(extra="forbid")
    service: String = Field(description="The service code, e.g. it-laptop.")
    subject: Text = Field("", max_length=200, description="Defaults to the service name.")
    description: Text = ""
    answers: Answers = Field(default_factory=dict, description="Keyed by form field code.")
    urgency: Urgency | None = Field(
        None,
        description="How urgent it is for you, in words: blocking (it stops my work), slowing "
        "(it slows my work down) or whenever; it sets the priority the request starts at "
        "(2, 3 or 4). The providing team sets the real priority.",
    )
    priority: Priority | None = Field(
        None,
        description="1 critical, 2 high, 3 medium, 4 low; default from urgency, else 3. "
        "Critical (1) is for the providing team's agents to set.",
    )
    on_behalf_of_id: Id | None = Field(None, description="Leads and agents may file for others.")
    location: Text = Field("", description="Where, in words: a building and room, or an address.")
    latitude: float | None = Field(None, description="WGS84 degrees, with longitude.")
    longitude: float | None = Field(None, description="WGS84 degrees, with latitude.")
    address_id: String = Field("", description="The place's id in the address register.")


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: Text
    attachment_ids: list[Id] = Field(
        default_factory=list, description="Your earlier uploads on this request to attach."
    )


class ReplyIn(MessageIn):
    reopen: bool = Field(
        False,
        description="On a resolved request: reopen it with this reply (it is not fixed). "
        "Without it the reply is a comment and the request stays resolved.",
    )


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    status: String
    note: Text = Field(
        "", description="Public, on the timeline: what was done (resolving), why (cancelling)."
    )
    resolution_code: String = Field(
        "", description="With status resolved: one of the providing department's codes."
    )


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")
    assignee_id: Id | None = Field(description="An agent of the providing department, or null.")


class PriorityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    priority: Priority


class WatcherIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person_id: Id


class AttachmentOut(ReadOut):
    id: int
    filename: str
    content_type: str
    size: int
    is_internal: bool
    created_at: datetime
    uploaded_by_id: int


class EventOut(ReadOut):
    id: int
    kind: str
    actor: PersonRef | None
    created_at: datetime
    is_internal: bool
    body: str
    data: dict[str, Any]
    attachments: list[AttachmentOut]

    @field_validator("attachments", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """The event's attachments arrive as its related manager (prefetched on a timeline)."""
        return list(value.all()) if hasattr(value, "all") else value


class WatcherOut(ReadOut):
    person: PersonRef
    created_at: datetime


class RequestOut(ReadOut):
    number: str
    service: str = Field(validation_alias=AliasPath("service", "code"))
    service_name: str = Field(validation_alias=AliasPath("service", "name"))
    department: str = Field(validation_alias=AliasPath("department", "code"))
    subject: str
    description: str
    priority: int
    status: str
    channel: str
    confidential: bool
    requester: PersonRef
    on_behalf_of: PersonRef | None
    assignee: PersonRef | None
    answers: dict[str, Any]
    location: str = Field(description="Where, in words (building and room, or an address).")
    latitude: float | None
    longitude: float | None
    address_id: str
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


class ClockOut(ReadOut):
    name: str
    state: ClockState
    due_at: datetime | None
    remaining_seconds: int | None = Field(description="Business seconds left (negative: over).")
    remaining_text: str


class SlaOut(ReadOut):
    agreement: str
    response: ClockOut
    resolution: ClockOut
    explanation: list[str]


# Read from a `read.RequestDetail`: the request's own fields, and what the detail adds.
class RequestDetailOut(RequestOut):
    urgency: str = Field(description="How urgent the requester said it is; empty if not asked.")
    resolution_code: str | None = Field(
        None,
        validation_alias=AliasPath("resolution_code", "code"),
        description="The department's code for what resolved it, while resolved or closed.",
    )
    sla: SlaOut | None = None
    allowed_transitions: list[str]
    timeline: list[EventOut]
    watchers: list[WatcherOut]

    @model_validator(mode="before")
    @classmethod
    def _read_detail(cls, value: Any) -> Any:
        return _DetailAttributes(value) if isinstance(value, RequestDetail) else value


class _DetailAttributes:
    """A RequestDetail's own fields, and its request's attributes for every other name."""

    __slots__ = ("_detail",)
    _OWN = frozenset(field.name for field in fields(RequestDetail))

    def __init__(self, detail: RequestDetail) -> None:
        self._detail = detail

    def __getattr__(self, name: str) -> Any:
        if name in self._OWN:
            return getattr(self._detail, name)
        return getattr(self._detail.request, name)


class RequestPageOut(ReadOut):
    items: list[RequestOut]
    next_cursor: str | None


class RequestCountsOut(Schema):
    total: int
    by_status: dict[str, int]

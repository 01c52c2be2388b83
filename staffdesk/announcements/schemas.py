"""API shapes of announcements and service notices."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from staffdesk.announcements.models import Role
from staffdesk.core.types import PageSize, String, Text


class AudienceIn(Schema):
    """Who an announcement is for: anyone matching any part, as the organization is when read."""

    model_config = ConfigDict(extra="forbid")
    everyone: bool = False
    departments: list[String] = Field(default_factory=list, description="Department codes.")
    include_subdepartments: bool = Field(False, description="The departments' sub-departments too.")
    teams: list[String] = Field(
        default_factory=list, description="Department codes whose service teams are included."
    )
    roles: list[Role] = Field(default_factory=list)
    people: list[String] = Field(default_factory=list, description="Usernames or emails.")


class AnnouncementListIn(Schema):
    """Which of my announcements: `q` searches their title and body."""

    q: String = ""
    state: String = Field("current", description="current, archived or drafts (publishers).")
    limit: PageSize = 25


class AnnouncementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department: String = Field(description="The publishing department's code.")
    title: Text
    body: Text = Field(description="Markdown; raw HTML is shown as text.")
    audience: AudienceIn
    ack_required: bool = False
    ack_due_on: date | None = None
    # Aware times only: a time without its offset is a 422, not a comparison that fails.
    expires_at: AwareDatetime | None = None
    publish: bool = Field(False, description="Publish at once (else it stays a draft).")
    publish_at: AwareDatetime | None = Field(None, description="Schedule it for this time instead.")


class AnnouncementUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: Text
    body: Text
    audience: AudienceIn
    ack_required: bool = False
    ack_due_on: date | None = None
    expires_at: AwareDatetime | None = None
    needs_reack: bool = Field(
        False, description="The changed text must be acknowledged again by everyone."
    )


class AudienceRuleOut(Schema):
    kind: str
    department: str | None = Field(None, validation_alias="department.code")
    include_subdepartments: bool
    role: str
    person: str | None = Field(None, validation_alias="person.username")


class AnnouncementOut(Schema):
    id: int
    department: str = Field(validation_alias="department.code")
    title: str
    body: str
    body_html: str
    version: int
    status: str
    publish_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    archived_at: datetime | None
    ack_required: bool
    ack_due_on: date | None
    ack_version: int


class MyAnnouncementOut(AnnouncementOut):
    unread: bool = Field(description="I have never opened it.")
    pending: bool = Field(description="It asks me to acknowledge it and I have not.")


class AnnouncementDetailOut(AnnouncementOut):
    # The detail endpoint hands over a dict whose department is already its code.
    department: str
    audience: list[AudienceRuleOut]
    viewed: bool
    acknowledged_version: int | None
    pending: bool


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(None, description="The version read; refused if it changed since.")


class AcknowledgementOut(Schema):
    version: int
    acknowledged_at: datetime


class QuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    text: Text
    public: bool = Field(True, description="The whole audience sees it (else only the publishers).")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer: Text


class HideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Text


class QuestionOut(Schema):
    id: int
    asker: str = Field(description="The asker's username.")
    text: str
    public: bool
    created_at: datetime
    answer: str
    answered_at: datetime | None
    hidden: bool
    hidden_reason: str


class DepartmentReceiptsOut(Schema):
    department: str
    audience: int
    viewed: int
    acknowledged: int


class ReportOut(Schema):
    total: DepartmentReceiptsOut
    departments: list[DepartmentReceiptsOut]
    pending: list[str] = Field(description="Usernames of the first of those still pending.")
    pending_more: bool
    by_version: dict[int, int]


class NoticeOut(Schema):
    id: int
    department: str = Field(description="The posting department's code.")
    kind: str
    title: str
    message: str
    services: list[str]
    starts_at: datetime
    expected_end_at: datetime | None
    resolved_at: datetime | None
    closing_message: str
    affected: int


class AffectedOut(Schema):
    notice: int
    affected: bool
    new: bool

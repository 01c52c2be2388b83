"""API shapes of the directory."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import AliasPath, ConfigDict, Field

from staffdesk.core.api import ReadOut
from staffdesk.core.types import Id, Text


class PersonRef(ReadOut):
    """A person as other resources mention them."""

    id: int
    name: str = Field(validation_alias="display_name")
    email: str
    title: str


class PersonOut(PersonRef):
    username: str
    employee_id: str | None
    department: str | None = Field(None, validation_alias=AliasPath("department", "code"))
    manager_id: int | None
    start_date: date | None
    away_until: date | None
    delegate_id: int | None
    is_active: bool


class MembershipOut(ReadOut):
    department: str = Field(description="The department's code.")
    role: str


class MeOut(PersonOut):
    """Read from `selectors.Me`: the person's fields, and `teams` already listed."""

    is_org_admin: bool = Field(validation_alias="is_superuser")
    teams: list[MembershipOut]


class DepartmentOut(Schema):
    code: str
    name: str
    parent: str | None = Field(None, validation_alias="parent.code")
    lead: PersonRef | None


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. It is shown this once and cannot be retrieved.")


class AwayIn(Schema):
    model_config = ConfigDict(extra="forbid")
    away_until: date | None
    delegate_id: Id | None = None

"""API shapes of satisfaction surveys and the ratings list."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from ninja import Schema
from pydantic import ConfigDict, Field

from staffdesk.core.types import Id, PageSize, String, Text, bounded_int

if TYPE_CHECKING:
    Score = int
else:
    Score = bounded_int(1, 5)


class SurveyOut(Schema):
    """One person's survey of one resolution (the mail link's secret is never shown)."""

    id: int
    request: str = Field(description="The request's number.")
    request_subject: str
    person: str = Field(description="The username of the person asked.")
    department: str = Field(description="The providing department's code.")
    service: str = Field(description="The service's code.")
    agent: str | None = Field(description="Who the request was assigned to when resolved.")
    confidential: bool
    status: str = Field(description="scheduled, open or withdrawn (the request was reopened).")
    resolved_at: datetime
    due_at: datetime = Field(description="When it opens (the resolution plus the delay).")
    opened_at: datetime | None
    closes_at: datetime | None = Field(description="Until when it can be rated or changed.")
    mailed: bool
    rating: int | None = Field(description="1 (very dissatisfied) to 5 (very satisfied).")
    rating_label: str | None
    comment: str
    rated_at: datetime | None
    followed_up_at: datetime | None
    followed_up_by: str | None


class SurveyPageOut(Schema):
    items: list[SurveyOut]
    next_cursor: str | None


class SurveyListIn(Schema):
    """Which page of the surveys I may see: my own and my teams'. `mine`: only my own."""

    mine: bool = False
    cursor: String = ""
    limit: PageSize = 50


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    rating: Score = Field(description="1 (very dissatisfied) to 5 (very satisfied).")
    comment: Text = ""


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: Text = Field(description="An internal note on the request: what the team did.")
    reply: Text = Field("", description="If given, a public reply to the requester's side.")


class RatingListIn(Schema):
    """The team's ratings, newest first: filter by rating, service (code), agent (person id)
    and the local days they were given on (`since` and `until`, both included)."""

    rating: Score | None = None
    service: String = ""
    agent: Id | None = None
    since: date | None = None
    until: date | None = None
    cursor: String = ""
    limit: PageSize = 50

"""API shapes of the suggestion box.

No shape has a place for the author of an anonymous suggestion: `author` is null and
`anonymous` true (the database holds no author to put there)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from staffdesk.core.types import Id, PageSize, String, Text


class SuggestionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department: String = Field(
        "", description="The department's code; empty: the organization as a whole."
    )
    title: Text
    body: Text = Field(description="Markdown; raw HTML is shown as text.")
    service: String = Field("", description="The code of the service it is about, if any.")
    anonymous: bool = Field(
        False, description="Store no author; the answer carries a private follow link, once."
    )


class SuggestionListIn(Schema):
    q: String = Field("", description="Any of these words, in the title or the description.")
    department: String = ""
    service: String = ""
    status: String = Field("", description="A status, or open (not done, declined or merged).")
    sort: String = Field("newest", description="newest or votes.")
    cursor: String = ""
    limit: PageSize = 25


class SimilarIn(Schema):
    q: String = ""


class BoardIn(Schema):
    department: String = ""
    service: String = ""
    page: Id = 1
    limit: PageSize = 25


class SuggestionOut(Schema):
    id: int
    title: str
    body: str
    body_html: str
    department: str = Field(description="The owning department's code.")
    to_organization: bool
    service: str | None
    author: str | None = Field(description="The author's username; null when anonymous.")
    anonymous: bool
    restricted: bool = Field(description="Visible to the owning department and the author only.")
    status: str
    merged_into: int | None
    decline_reason: str
    vote_count: int = Field(description="Its voters and those of the suggestions merged into it.")
    created_at: datetime
    respond_by: datetime
    responded_at: datetime | None
    done_at: datetime | None
    overdue: bool


class SuggestionCreatedOut(SuggestionOut):
    follow_url: str | None = Field(
        description="An anonymous suggestion's private follow link, given this once."
    )


class SuggestionPageOut(Schema):
    items: list[SuggestionOut]
    next_cursor: str | None


class ResponseOut(Schema):
    id: int
    suggestion: int
    written_by: str = Field(description="The username of the team member who wrote it.")
    body: str
    body_html: str
    status: str = Field(description="The status it moves the suggestion to; empty: a reply.")
    what_changed: str
    created_at: datetime
    published_at: datetime | None


class CommentOut(Schema):
    id: int
    author: str | None = Field(description="The username; null for the anonymous author.")
    by_anonymous_author: bool
    body: str
    created_at: datetime


class SuggestionDetailOut(SuggestionOut):
    voted: bool
    following: bool
    merged: list[int] = Field(description="The suggestions merged into this one.")
    responses: list[ResponseOut]
    help: dict[str, int] = Field(description='"Did it help?" answers, counted.')


class FollowOut(Schema):
    suggestion: int
    following: bool


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: Text


class ResponseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: Text = ""
    status: String = Field("", description="The status it moves the suggestion to, if any.")
    what_changed: Text = Field("", description='With "done": what is different now.')
    publish: bool = Field(True, description="Publish now; false: a draft its team alone sees.")


class PublishIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department: String = Field(description="The department's code.")
    response_ids: list[Id]


class MergeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    into: Id


class RestrictIn(Schema):
    model_config = ConfigDict(extra="forbid")
    restricted: bool


class HelpIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer: String = Field(description="yes, partly or no.")


class HelpOut(Schema):
    suggestion: int
    answer: str


class SimilarOut(Schema):
    id: int
    title: str
    department: str
    status: str
    vote_count: int


class BoardItemOut(Schema):
    id: int
    title: str
    department: str
    service: str | None
    done_at: datetime
    vote_count: int
    response: str
    what_changed: str
    help: dict[str, int]


class DepartmentCountsOut(Schema):
    department: str
    received: int
    answered_on_time: int
    done: int
    declined: int


class BoardOut(Schema):
    since: datetime
    items: list[BoardItemOut]
    departments: list[DepartmentCountsOut] = Field(
        description="Of the suggestions each received in the last twelve months."
    )
    next_page: int | None

"""Admin of the suggestion box: suggestions read-only (through `visible_to`, so a suggestion
marked "visible to us and the author only" is not an administrator's either), and the
departments' response targets, which the admin configures.

An anonymous suggestion has no author to show or search: the author column says
"anonymous" and the author search finds only named ones. The private link's hash is never
shown. Every write to suggestions goes through the pages and the API, whose services keep
what a change implies (vote counts, the status, the notifications) together.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffdesk.core.admin import VisibleModelAdmin, VisibleTabularInline
from staffdesk.feedback.models import Comment, Response, ResponseTarget, Suggestion


class ReadOnly:
    """No add, change or delete: the pages and the API write these."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ResponseInline(ReadOnly, VisibleTabularInline):
    model = Response
    extra = 0
    fields = ["written_by", "status", "body", "what_changed", "published_at"]


class CommentInline(ReadOnly, VisibleTabularInline):
    model = Comment
    extra = 0
    fields = ["written_by", "body"]
    readonly_fields = ["written_by"]

    @admin.display(description="By")
    def written_by(self, comment: Comment) -> str:
        if comment.by_anonymous_author:
            return "the author (anonymous)"
        return str(comment.author) if comment.author else "a former colleague"


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["title", "department", "status", "vote_count", "submitted_by", "created_at"]
    list_filter = ["status", "is_anonymous", "to_organization", "department"]
    # The author's name and username are searched on named suggestions only: an anonymous
    # one has no author row to match.
    search_fields = ["title", "body", "author__username", "author__last_name"]
    list_select_related = ["department", "author"]
    date_hierarchy = "created_at"
    fields = [
        "title",
        "body",
        "department",
        "to_organization",
        "service",
        "submitted_by",
        "restricted",
        "status",
        "merged_into",
        "decline_reason",
        "vote_count",
        "respond_by",
        "responded_at",
        "done_at",
        "help_due_at",
        "help_asked_at",
    ]
    readonly_fields = ["submitted_by"]
    inlines = [ResponseInline, CommentInline]

    @admin.display(description="Author")
    def submitted_by(self, suggestion: Suggestion) -> str:
        if suggestion.is_anonymous or suggestion.author is None:
            return "anonymous"
        return str(suggestion.author)


@admin.register(ResponseTarget)
class ResponseTargetAdmin(VisibleModelAdmin):
    """A department's own target for answering new suggestions, in business days of its
    calendar (without one, the settings' target in the department's calendar)."""

    list_display = ["department", "business_days", "calendar"]
    list_select_related = ["department", "calendar"]
    search_fields = ["department__name", "department__code"]

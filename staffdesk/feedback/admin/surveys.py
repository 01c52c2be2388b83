"""Admin of satisfaction surveys: read-only, for looking things up (through `visible_to`,
core.admin: a confidential case's survey is its team's alone, here too).

Every write goes through the survey pages and the API, whose services keep what a rating
implies (the low-rating notice, the follow-up's timeline entries) together. The mail link's
hash is never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffdesk.core.admin import VisibleModelAdmin
from staffdesk.feedback.models import Survey

# Every field but the mail link's hash.
SHOWN = (
    "request",
    "person",
    "department",
    "service",
    "agent",
    "confidential",
    "resolved_at",
    "status",
    "due_at",
    "opened_at",
    "closes_at",
    "mailed",
    "rating",
    "comment",
    "rated_at",
    "followed_up_at",
    "followed_up_by",
)


@admin.register(Survey)
class SurveyAdmin(VisibleModelAdmin):
    list_display = ["request", "person", "department", "status", "rating", "rated_at", "mailed"]
    list_filter = ["status", "rating", "mailed", "department"]
    search_fields = ["request__number", "person__username", "person__last_name", "comment"]
    list_select_related = ["request", "person", "department"]
    date_hierarchy = "resolved_at"
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

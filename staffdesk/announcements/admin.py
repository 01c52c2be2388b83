"""Announcements and service notices in Django admin: read-only, for looking things up.

Every write goes through the pages and the API, whose services keep what a change implies
(the rendered body, the versions, the notifications to send) together; the admin shows
what they wrote, through each model's `visible_to` (core.admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffdesk.announcements.models import (
    Acknowledgement,
    Affected,
    Announcement,
    AudienceRule,
    Broadcast,
    Question,
    Receipt,
    ServiceNotice,
    Version,
)
from staffdesk.core.admin import VisibleModelAdmin, VisibleTabularInline


class ReadOnly:
    """No add, change or delete: the pages and the API write these."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AudienceInline(ReadOnly, VisibleTabularInline):
    model = AudienceRule
    extra = 0
    fields = ["kind", "department", "include_subdepartments", "role", "person"]


class VersionInline(ReadOnly, VisibleTabularInline):
    model = Version
    extra = 0
    fields = ["number", "title", "editor", "needs_ack", "created_at"]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["title", "department", "status", "published_at", "ack_required", "version"]
    list_filter = ["status", "ack_required", "department"]
    search_fields = ["title", "body"]
    list_select_related = ["department"]
    date_hierarchy = "published_at"
    inlines = [AudienceInline, VersionInline]
    exclude = ["body_html"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["announcement", "person", "viewed_at", "reminded_at"]
    search_fields = ["announcement__title", "person__username", "person__last_name"]
    list_select_related = ["announcement", "person"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["announcement", "person", "version", "acknowledged_at"]
    search_fields = ["announcement__title", "person__username", "person__last_name"]
    list_select_related = ["announcement", "person"]


@admin.register(Question)
class QuestionAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["announcement", "asker", "is_public", "created_at", "answered_at", "hidden_at"]
    list_filter = ["is_public"]
    search_fields = ["text", "answer", "announcement__title"]
    list_select_related = ["announcement", "asker"]


@admin.register(Broadcast)
class BroadcastAdmin(ReadOnly, VisibleModelAdmin):
    """The worker's fan-outs: how far each has got (`after_person_id`) and how many it told."""

    list_display = ["reason", "announcement", "notice", "created_at", "notified", "finished_at"]
    list_filter = ["reason"]
    list_select_related = ["announcement", "notice"]


@admin.register(ServiceNotice)
class ServiceNoticeAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["title", "department", "kind", "starts_at", "expected_end_at", "resolved_at"]
    list_filter = ["kind", "department"]
    search_fields = ["title", "message"]
    list_select_related = ["department"]
    date_hierarchy = "starts_at"


@admin.register(Affected)
class AffectedAdmin(ReadOnly, VisibleModelAdmin):
    list_display = ["notice", "person", "service", "created_at"]
    search_fields = ["notice__title", "person__username", "person__last_name"]
    list_select_related = ["notice", "person", "service"]

from django.contrib import admin
from django.http import HttpRequest

from staffdesk.core.admin import VisibleModelAdmin, VisibleTabularInline
from staffdesk.requests.models import Request, RequestEvent, ResolutionCode


class EventInline(VisibleTabularInline):
    """The timeline as the request page shows it: internal notes only for the team."""

    model = RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "created_at", "is_internal", "body", "data"]

    def has_add_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(VisibleModelAdmin):
    """Read-only: requests change only through the workflow, so the timeline stays true."""

    list_display = [
        "number",
        "subject",
        "service",
        "status",
        "priority",
        "requester",
        "assignee",
        "created_at",
    ]
    list_filter = ["status", "priority", "department", "channel"]
    search_fields = ["number", "subject"]
    list_select_related = ["service", "requester", "assignee"]
    inlines = [EventInline]

    def has_change_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        return False


@admin.register(ResolutionCode)
class ResolutionCodeAdmin(VisibleModelAdmin):
    """Each department's codes for what resolved a request; retire one with "active"."""

    list_display = ["label", "code", "department", "position", "is_active"]
    list_filter = ["department", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["label", "code"]
    autocomplete_fields = ["department"]

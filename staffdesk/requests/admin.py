from django.contrib import admin

from staffdesk.requests.models import Request, RequestEvent


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "created_at", "is_internal", "body", "data"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        return Request.objects.visible_to(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from staffdesk.core.admin import VisibleModelAdmin
from staffdesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(VisibleModelAdmin):
    """Read-only: an admin's own notifications and those shared with admins (the outbox's
    delivery state of everything that quotes nothing confidential or internal)."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "subject",
        "email_status",
        "email_attempts",
        "read_at",
    ]
    list_filter = ["email_status", "kind", "shared_with_admins"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]

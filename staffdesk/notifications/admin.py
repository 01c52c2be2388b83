from django.contrib import admin

from staffdesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "subject",
        "email_status",
        "email_attempts",
        "read_at",
    ]
    list_filter = ["email_status", "kind"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "staffdesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "staffdesk.core"
    label = "core"
    verbose_name = "Core"

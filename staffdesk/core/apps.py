from django.apps import AppConfig
from django.urls import register_converter

from staffdesk.core.ids import IdConverter


class CoreConfig(AppConfig):
    name = "staffdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        register_converter(IdConverter, "id")  # `<id:...>` in every app's URLs

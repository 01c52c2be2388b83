from django.apps import AppConfig
from django.urls import register_converter
from django.urls.converters import get_converters

from staffdesk.core.ids import IdConverter


class CoreConfig(AppConfig):
    name = "staffdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # `<id:...>` in every app's URLs; once per process, though the app registry may be
        # made ready again (settings with other apps, as the benchmark's).
        if "id" not in get_converters():
            register_converter(IdConverter, "id")

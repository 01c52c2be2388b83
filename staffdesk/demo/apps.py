from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Owns the `demo` command; it has no models."""

    name = "staffdesk.demo"
    label = "demo"
    verbose_name = "Demo organization"

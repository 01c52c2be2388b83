from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "staffdesk.requests"
    label = "requests"
    verbose_name = "Requests"

    def ready(self) -> None:
        from staffdesk.requests.notification_kinds import register_kinds

        register_kinds()

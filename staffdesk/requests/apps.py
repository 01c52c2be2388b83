from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "staffdesk.requests"
    label = "requests"
    verbose_name = "Requests"

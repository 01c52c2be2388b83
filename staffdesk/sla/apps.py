from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "staffdesk.sla"
    label = "sla"
    verbose_name = "Service level agreements"

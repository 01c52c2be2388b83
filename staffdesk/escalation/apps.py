from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "staffdesk.escalation"
    label = "escalation"
    verbose_name = "Escalation"

    def ready(self) -> None:
        from staffdesk.escalation.panels import escalation_panel
        from staffdesk.notifications.kinds import register
        from staffdesk.requests import panels

        register("request_escalated", "A request I look after was escalated")
        panels.register(escalation_panel)

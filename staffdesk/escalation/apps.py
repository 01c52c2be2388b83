from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "staffdesk.escalation"
    label = "escalation"
    verbose_name = "Escalation"

    def ready(self) -> None:
        from staffdesk.notifications.kinds import register

        register("request_escalated", "A request I look after was escalated")

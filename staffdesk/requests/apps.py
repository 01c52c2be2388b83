from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "staffdesk.requests"
    label = "requests"
    verbose_name = "Requests"

    def ready(self) -> None:
        from staffdesk.requests.filing_cache import connect_invalidation
        from staffdesk.requests.models import OPEN_STATUSES
        from staffdesk.requests.notification_kinds import register_kinds
        from staffdesk.sla.statuses import register_request_statuses

        register_kinds()
        connect_invalidation()
        # Only an open request's clock runs, so only open statuses can pause it.
        register_request_statuses([(status.value, status.label) for status in OPEN_STATUSES])

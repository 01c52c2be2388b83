from django.apps import AppConfig


class PortalConfig(AppConfig):
    """An employee's own pages, which gather several apps: the home page and my profile."""

    name = "staffdesk.portal"
    label = "portal"
    verbose_name = "Home and profile"

    def ready(self) -> None:
        from staffdesk.notifications.kinds import register
        from staffdesk.portal.passwords import KIND

        register(KIND, "Password reset link", optional=False)

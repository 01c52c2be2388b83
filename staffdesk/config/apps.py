from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "staffdesk.config"
    label = "config"
    verbose_name = "staffdesk"

    def ready(self) -> None:
        from django.contrib import admin

        # Configuration in Django admin is for organization admins only.
        # Set on the default site in place, where every app's admin registers.
        admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
            request.user.is_active and request.user.is_superuser
        )
        admin.site.site_header = "staffdesk administration"

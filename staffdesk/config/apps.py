from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "staffdesk.config"
    label = "config"
    verbose_name = "staffdesk"

    def ready(self) -> None:
        from django.contrib import admin

        # Configuration in Django admin is for organization admins only.
        admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]  # on the default site, where every app registers
            request.user.is_active and request.user.is_superuser
        )
        admin.site.site_header = "staffdesk administration"

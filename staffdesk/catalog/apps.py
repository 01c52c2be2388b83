from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "staffdesk.catalog"
    label = "catalog"
    verbose_name = "Service catalog"

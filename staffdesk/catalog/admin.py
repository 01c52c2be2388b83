from django.contrib import admin

from staffdesk.catalog.models import FormField, Service
from staffdesk.core.admin import VisibleModelAdmin, VisibleStackedInline


class FormFieldInline(VisibleStackedInline):
    model = FormField
    extra = 0


@admin.register(Service)
class ServiceAdmin(VisibleModelAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "group",
        "point_person",
        "backup",
        "confidential",
        "is_public",
        "fulfilment",
        "is_active",
    ]
    list_filter = ["department", "confidential", "is_public", "fulfilment", "is_active"]
    search_fields = ["code", "name", "keywords", "description"]
    list_select_related = ["department", "point_person", "backup"]
    autocomplete_fields = ["department", "point_person", "backup"]
    # Saving moves `updated_at` (core/admin.py): Open311 clients refresh their cached
    # catalog when discovery's changeset, the latest `updated_at`, moves.
    inlines = [FormFieldInline]

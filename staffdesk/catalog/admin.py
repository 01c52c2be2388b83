from django.contrib import admin

from staffdesk.catalog.models import FormField, Service


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "group",
        "point_person",
        "backup",
        "confidential",
        "fulfilment",
        "is_active",
    ]
    list_filter = ["department", "confidential", "fulfilment", "is_active"]
    search_fields = ["code", "name", "keywords", "description"]
    list_select_related = ["department", "point_person", "backup"]
    autocomplete_fields = ["department", "point_person", "backup"]
    inlines = [FormFieldInline]

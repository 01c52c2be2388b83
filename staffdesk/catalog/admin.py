from django import forms
from django.contrib import admin
from django.http import HttpRequest

from staffdesk.catalog.models import FormField, Service
from staffdesk.core import clock
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
    inlines = [FormFieldInline]

    def save_model(
        self, request: HttpRequest, obj: Service, form: forms.ModelForm, change: bool
    ) -> None:
        # Open311 clients refresh their cached catalog when discovery's changeset moves;
        # it is the latest `updated_at`, and the form (inline fields) changes with the service.
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)

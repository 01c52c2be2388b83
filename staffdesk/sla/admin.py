"""Calendars and agreements in Django admin (organization admins only, see config/apps.py).

Saving through the admin bumps `updated_at` (core/admin.py), so the cached calendar spec is rebuilt after
intervals or closures change in the inlines.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from staffdesk.core.admin import VisibleModelAdmin, VisibleTabularInline
from staffdesk.sla.models import (
    Agreement,
    AgreementTarget,
    BusinessCalendar,
    Closure,
    WorkingInterval,
)
from staffdesk.sla.services.calendars import working_interval_problems


class WorkingIntervalFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """The same overlap check as `working_intervals_set`, over the rows being saved."""
        super().clean()
        rows = [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and all(form.cleaned_data.get(key) is not None for key in ("weekday", "start", "end"))
        ]
        problems = working_interval_problems(rows)
        if problems:
            raise ValidationError(problems)


class WorkingIntervalInline(VisibleTabularInline):
    model = WorkingInterval
    formset = WorkingIntervalFormSet
    extra = 0


class ClosureInline(VisibleTabularInline):
    model = Closure
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(VisibleModelAdmin):
    list_display = ["name", "time_zone", "always_open", "holiday_country", "holiday_subdivision"]
    search_fields = ["name"]
    readonly_fields = ["updated_at"]
    inlines = [WorkingIntervalInline, ClosureInline]


class AgreementTargetInline(VisibleTabularInline):
    model = AgreementTarget
    extra = 0
    max_num = 4


@admin.register(Agreement)
class AgreementAdmin(VisibleModelAdmin):
    list_display = [
        "name",
        "provider",
        "applies_to_everyone",
        "status",
        "effective_from",
        "review_on",
        "services_only",
        "is_organization_default",
    ]
    list_filter = ["status", "provider", "services_only", "is_organization_default"]
    search_fields = ["name", "provider__name", "provider__code"]
    list_select_related = ["provider"]
    autocomplete_fields = ["provider", "customers", "point_person", "calendar"]
    readonly_fields = ["updated_at"]
    inlines = [AgreementTargetInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Keep the flag in step with the customers chosen: none named means everyone.
        agreement = form.instance
        everyone = not agreement.customers.exists()
        if agreement.applies_to_everyone != everyone:
            agreement.applies_to_everyone = everyone
            agreement.save(update_fields=["applies_to_everyone"])

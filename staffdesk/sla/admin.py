"""Calendars and agreements in Django admin (organization admins only, see config/apps.py).

Saving through the admin bumps `updated_at` (core/admin.py), so the cached calendar spec is rebuilt after
intervals or closures change in the inlines.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from staffdesk.core.admin import VisibleModelAdmin, VisibleTabularInline
from staffdesk.sla.forms import AgreementForm, AgreementTargetForm, BusinessCalendarForm
from staffdesk.sla.models import (
    Agreement,
    AgreementTarget,
    BusinessCalendar,
    Closure,
    Weekday,
    WorkingInterval,
)
from staffdesk.sla.services.calendars import working_hours_copy, working_interval_problems


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
    form = BusinessCalendarForm
    list_display = ["name", "time_zone", "always_open", "holiday_country", "holiday_subdivision"]
    search_fields = ["name"]
    readonly_fields = ["updated_at"]
    inlines = [WorkingIntervalInline, ClosureInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "time_zone",
                    "always_open",
                    "holiday_country",
                    "holiday_subdivision",
                ]
            },
        ),
        ("Copy working hours", {"fields": ["copy_hours_from", "copy_hours_to"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        source, targets = (
            form.cleaned_data.get("copy_hours_from"),
            form.cleaned_data.get("copy_hours_to"),
        )
        if source is None or not targets:
            return
        working_hours_copy(calendar=form.instance, from_weekday=source, to_weekdays=targets)
        days = ", ".join(Weekday(day).label for day in sorted(targets) if day != source)
        self.message_user(
            request, f"{Weekday(source).label}'s hours copied to {days}.", messages.SUCCESS
        )


class AgreementTargetInline(VisibleTabularInline):
    model = AgreementTarget
    form = AgreementTargetForm
    extra = 0
    max_num = 4


@admin.register(Agreement)
class AgreementAdmin(VisibleModelAdmin):
    form = AgreementForm
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

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        # Keep the flag in step with the customers chosen: none named means everyone.
        agreement = form.instance
        everyone = not agreement.customers.exists()
        if agreement.applies_to_everyone != everyone:
            agreement.applies_to_everyone = everyone
            agreement.save(update_fields=["applies_to_everyone"])

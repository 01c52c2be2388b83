"""Escalation policies and the ledger in Django admin (organization admins only, see
config/apps.py).

A saved policy puts the open requests it covers back in the tick's index, so new or changed
levels apply to them from the next tick, not only after their next change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from staffdesk.core.admin import VisibleModelAdmin, VisibleStackedInline
from staffdesk.escalation.models import Escalation, Level, Policy
from staffdesk.escalation.services import policy_requests_recheck
from staffdesk.escalation.triggers import Trigger, WatchedClock


class LevelForm(forms.ModelForm):
    """The level inline's form (the admin gives it its model and fields)."""

    def clean(self) -> dict[str, Any]:
        """The model's check constraints, told field by field in words."""
        super().clean()
        data = self.cleaned_data
        trigger, clock = data.get("trigger"), data.get("clock")
        if trigger in (Trigger.SHARE, Trigger.BREACH, Trigger.AFTER_BREACH) and clock not in (
            WatchedClock.RESPONSE,
            WatchedClock.RESOLUTION,
        ):
            self.add_error("clock", "This trigger reads the first response or resolution clock.")
        if trigger == Trigger.SILENCE and clock != WatchedClock.ACTIVITY:
            self.add_error("clock", "A silence trigger reads team activity.")
        percent = data.get("share_percent")
        if trigger == Trigger.SHARE and not (percent and 1 <= percent <= 100):
            self.add_error("share_percent", "A share trigger needs a share from 1 to 100 %.")
        if trigger in (Trigger.AFTER_BREACH, Trigger.SILENCE) and not data.get("business_minutes"):
            self.add_error("business_minutes", "This trigger needs business minutes (1 or more).")
        return data


class LevelInline(VisibleStackedInline):
    model = Level
    form = LevelForm
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["notify_person"]
    fields = [
        ("position", "name"),
        ("trigger", "clock", "share_percent", "business_minutes"),
        ("notify_point_person", "notify_backup", "notify_lead", "notify_lead_manager"),
        "notify_person",
        ("reassign_to_backup", "raise_priority"),
    ]


@admin.register(Policy)
class PolicyAdmin(VisibleModelAdmin):
    list_display = ["name", "department", "service", "is_active", "updated_at"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "department__name", "department__code", "service__name"]
    list_select_related = ["department", "service"]
    autocomplete_fields = ["department", "service"]
    readonly_fields = ["updated_at"]
    inlines = [LevelInline]

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        policy_requests_recheck(policy=form.instance)


@admin.register(Escalation)
class EscalationAdmin(VisibleModelAdmin):
    """Read-only: levels fire through the tick or the requester's escalation only.

    The fired levels this admin may see (Escalation.objects.visible_to): of the requests they
    may see (no confidential case), those a requester fired; a policy's own steps only for
    its team."""

    list_display = ["request", "level", "clock", "source", "actor", "fired_at"]
    list_filter = ["source", "clock", "level__policy"]
    search_fields = ["request__number", "reason"]
    list_select_related = ["request", "level__policy", "actor"]
    date_hierarchy = "fired_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Escalation | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Escalation | None = None) -> bool:
        return False

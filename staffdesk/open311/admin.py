"""Open311 integrations, managed by organization admins; a key is shown once, when issued."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from staffdesk.core.admin import VisibleModelAdmin
from staffdesk.open311.models import Integration, Submission
from staffdesk.open311.services import integration_key_issue


def _key_page(request: HttpRequest, integration: Integration, secret: str) -> HttpResponse:
    response = TemplateResponse(
        request,
        "admin/open311/integration/key.html",
        {
            **admin.site.each_context(request),
            "title": f"The api_key of {integration.name}",
            "integration": integration,
            "secret": secret,
            "opts": Integration._meta,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Integration)
class IntegrationAdmin(VisibleModelAdmin):
    """The admin site is for organization admins only (config/apps.py): integrations act for
    any employee they name."""

    list_display = ["name", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix"]
    fields = ["name", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["issue_new_key"]

    def save_model(
        self, request: HttpRequest, obj: Integration, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            # Shown once, by response_add for this same request.
            request._open311_secret = integration_key_issue(integration=obj)  # type: ignore[attr-defined]  # carried to response_add

    def response_add(
        self, request: HttpRequest, obj: Integration, post_url_continue: str | None = None
    ) -> HttpResponse:
        return _key_page(request, obj, request._open311_secret)  # type: ignore[attr-defined]  # set by save_model

    @admin.action(description="Issue a new key (the old one stops working at once)")
    def issue_new_key(
        self, request: HttpRequest, queryset: QuerySet[Integration]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one integration.", messages.ERROR)
            return None
        integration = queryset.get()
        return _key_page(request, integration, integration_key_issue(integration=integration))


@admin.register(Submission)
class SubmissionAdmin(VisibleModelAdmin):
    """Read-only: which integration filed which request (of the requests the admin may see)."""

    list_display = ["request", "integration", "media_url", "created_at"]
    list_filter = ["integration"]
    list_select_related = ["request", "integration"]
    search_fields = ["request__number"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Submission | None = None) -> bool:
        return False

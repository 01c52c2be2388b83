from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from staffdesk.core.admin import VisibleAdminMixin, VisibleModelAdmin, VisibleTabularInline
from staffdesk.directory.models import ApiToken, Department, Membership, Person


class MembershipInline(VisibleTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Department)
class DepartmentAdmin(VisibleModelAdmin):
    list_display = ["code", "name", "lead", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead", "parent"]
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(VisibleAdminMixin, UserAdmin):
    """Roles are team memberships and `is_superuser`: Django's groups and permissions are not
    used, so the form does not offer them."""

    list_display = [
        "username",
        "display_name",
        "employee_id",
        "department",
        "title",
        "is_active",
        "away_until",
    ]
    list_filter = ["is_active", "is_superuser", "department"]
    search_fields = ["username", "first_name", "last_name", "email", "employee_id"]
    list_select_related = ["department"]
    autocomplete_fields = ["department", "manager", "delegate"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        (
            "Organization",
            {
                "fields": (
                    "employee_id",
                    "department",
                    "title",
                    "manager",
                    "start_date",
                    "away_until",
                    "delegate",
                )
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(VisibleModelAdmin):
    """A person's own tokens, as on their profile page (ApiToken.objects.visible_to)."""

    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "person__username"]
    readonly_fields = ["person", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    list_select_related = ["person"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from staffdesk.directory.models import ApiToken, Department, Membership, Person


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "lead", "parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead", "parent"]
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(UserAdmin):
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
        *UserAdmin.fieldsets,
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
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "person__username"]
    readonly_fields = ["person", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    list_select_related = ["person"]

    def has_add_permission(self, request) -> bool:
        return False

"""People, departments, memberships and tokens; and the sign-in records of django-axes,
brought under the visibility rule (axes is installed before this app, so its registrations
exist here to be replaced)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from staffdesk.core.admin import VisibleAdminMixin, VisibleModelAdmin, VisibleTabularInline
from staffdesk.directory.models import ApiToken, Department, Membership, Person
from staffdesk.directory.selectors import is_org_admin


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


# Roles are team memberships and `is_superuser`; Django's groups are not used anywhere.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class OrganizationAdminsOnly(VisibleAdminMixin):
    """Sign-in records (who tried which username from where) are for organization admins,
    who unlock people with them; the models are django-axes', so the rule is stated here."""

    def visible_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.model._default_manager.all()
        return queryset if is_org_admin(request.user) else queryset.none()


class SignInAttemptAdmin(OrganizationAdminsOnly, AccessAttemptAdmin):
    """Failed sign-ins being counted towards a lockout; deleting one unlocks that person."""


class SignInLogAdmin(OrganizationAdminsOnly, AccessLogAdmin):
    """Successful sign-ins and sign-outs."""


class SignInFailureLogAdmin(OrganizationAdminsOnly, AccessFailureLogAdmin):
    """Every failed sign-in, kept after a lockout is lifted."""


for model, model_admin in (
    (AccessAttempt, SignInAttemptAdmin),
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, SignInFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)

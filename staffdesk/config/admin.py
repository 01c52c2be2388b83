"""The admin pages of the libraries staffdesk uses, brought under its visibility rule.

This app is the last installed, so its admin module runs after theirs and can replace
what they registered.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from staffdesk.core.admin import VisibleAdminMixin
from staffdesk.directory.selectors import is_org_admin

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

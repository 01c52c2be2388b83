"""The base of every Django admin page: it shows only what `visible_to(user)` lets the user see.

Organization admins are not above the visibility rule: a confidential case belongs to its
team and its requester in the admin as in the web pages and the API. Every ModelAdmin and
inline registered on the admin site inherits `VisibleAdminMixin`, so none can forget the rule
(tests/core/test_admin_visibility.py checks each of them). It applies the rule to the
changelist, search, the change, history and delete pages (an object the user may not see
is a 404), autocomplete (which reads the target model's admin), the choices of foreign
keys and many-to-many fields in forms, related-field list filters, and the related objects
a delete confirmation names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.utils import (
    NestedObjects,
    NotRelationField,
    get_fields_from_path,
    quote,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.fields.related import ForeignKey, ManyToManyField, RelatedField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

if TYPE_CHECKING:
    # What the mixins are mixed into, so the checker knows `self.model`, `self.admin_site` and
    # the methods `super()` reaches.
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object

_IN_CHUNK = 500  # ids per `pk IN (...)`: SQLite limits the parameters of one statement


def visible_to(model: type[models.Model], user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """`model.objects.visible_to(user)`; a model without one is refused, never shown whole."""
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        raise ImproperlyConfigured(
            f"{model._meta.label} has no visible_to(user), so the admin cannot show it: "
            "give its QuerySet one, or state the rule in its admin's visible_queryset()."
        )
    return manager.visible_to(user)


class VisibleRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related field's filter that offers only the related objects the user may see."""

    def field_choices(
        self, field: RelatedField[Any, Any], request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[Any, Any]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = visible_to(field.related_model, request.user).values("pk")
        return list(
            field.get_choices(
                include_blank=False, ordering=ordering, limit_choices_to=Q(pk__in=visible)
            )
        )


class VisibleAdminMixin(_AdminBase):
    """Lists, finds, opens, offers in forms and names on delete pages only what the signed-in
    user may see. Put it first among the bases of a ModelAdmin (or use `VisibleModelAdmin`)."""

    def visible_queryset(self, request: HttpRequest) -> QuerySet:
        """This admin's objects the user may see: the model's `visible_to(user)`.

        Override only for a model staffdesk does not own, to state its rule there."""
        return visible_to(self.model, request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.visible_queryset(request)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> models.Model:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # As in the web pages and the API, an object the user may not see does not exist;
            # the admin's own answer (a redirect with "doesn't exist") would repeat its id.
            raise Http404(f"No {self.model._meta.verbose_name} here.")
        return obj

    def get_field_queryset(
        self, db: str | None, db_field: RelatedField[Any, Any], request: HttpRequest
    ) -> QuerySet:
        """The choices of a foreign key or many-to-many field (form select, autocomplete's
        selected values): the related objects the user may see, in their admin's order."""
        related_model = db_field.remote_field.model
        queryset = visible_to(related_model, request.user)
        if db:
            queryset = queryset.using(db)
        if self.admin_site.is_registered(related_model):
            ordering = self.admin_site.get_model_admin(related_model).get_ordering(request)
            if ordering:
                queryset = queryset.order_by(*ordering)
        return queryset

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        kwargs["queryset"] = self._visible_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        kwargs["queryset"] = self._visible_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _visible_choices(
        self, db_field: RelatedField[Any, Any], request: HttpRequest, kwargs: dict[str, Any]
    ) -> QuerySet:
        visible = self.get_field_queryset(kwargs.get("using"), db_field, request)
        given = kwargs.get("queryset")
        if given is None:
            return visible
        # A subclass narrowed the choices itself: keep its narrowing, within what is visible.
        return given.filter(pk__in=visible.values("pk"))

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [self._visible_filter(entry) for entry in super().get_list_filter(request)]

    def _visible_filter(self, entry: Any) -> Any:
        """A list filter named by a related field's path offers only visible objects."""
        if not isinstance(entry, str):
            return entry  # a filter class of its own (or a pair): it states its choices
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return entry
        if field.is_relation:
            return (entry, VisibleRelatedFieldListFilter)
        return entry

    def get_deleted_objects(
        self, objs: Sequence[models.Model] | QuerySet[models.Model], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[str]]:
        """Django's list of what a delete takes with it or is refused by, naming only what the
        user may see: an object they may not see is listed by its kind, not its name."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        # django-stubs key `model_objs` by str; Django keys it by model class.
        model_objs = cast("dict[type[models.Model], set[models.Model]]", collector.model_objs)
        found: dict[type[models.Model], set[Any]] = {
            model: {obj.pk for obj in group} for model, group in model_objs.items()
        }
        for obj in collector.protected:
            found.setdefault(obj._meta.model, set()).add(obj.pk)
        shown = {model: self._visible_pks(model, pks, request) for model, pks in found.items()}
        perms_needed: set[str] = set()

        def describe(obj: models.Model) -> str:
            model, opts = obj._meta.model, obj._meta
            registered = self.admin_site.is_registered(model)
            if registered and not self.admin_site.get_model_admin(model).has_delete_permission(
                request, obj
            ):
                perms_needed.add(str(opts.verbose_name))
            if obj.pk not in shown[model]:
                return f"{capfirst(opts.verbose_name)}: one you may not see"
            if registered:
                try:
                    url = reverse(
                        f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                        args=(quote(obj.pk),),
                    )
                    return format_html(
                        '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj
                    )
                except NoReverseMatch:
                    pass
            return f"{capfirst(opts.verbose_name)}: {obj}"

        to_delete = collector.nested(describe)
        protected = [describe(obj) for obj in collector.protected]
        model_count = {
            str(model._meta.verbose_name_plural): len(group) for model, group in model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected

    def _visible_pks(
        self, model: type[models.Model], pks: set[Any], request: HttpRequest
    ) -> set[Any]:
        """Which of these objects the user may see, by the rule of the model's admin (or of
        the model); none of a model with neither, such as admin log entries and the rows
        linking many-to-many fields."""
        model_admin = (
            self.admin_site.get_model_admin(model) if self.admin_site.is_registered(model) else None
        )
        if isinstance(model_admin, VisibleAdminMixin):
            visible = model_admin.visible_queryset(request)
        elif hasattr(model._default_manager, "visible_to"):
            visible = visible_to(model, request.user)
        else:
            return set()
        ids, found = list(pks), set[Any]()
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            found.update(visible.filter(pk__in=chunk).values_list("pk", flat=True))
        return found


class VisibleInlineMixin(VisibleAdminMixin):
    """`VisibleAdminMixin` for inlines: the rows of the parent the user may see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        # What InlineModelAdmin.get_queryset does besides, which this method replaces.
        if not self.has_view_or_change_permission(request):
            queryset = queryset.none()
        return queryset


class VisibleModelAdmin(VisibleAdminMixin, admin.ModelAdmin):
    """A ModelAdmin that obeys `visible_to(user)`."""


class VisibleTabularInline(VisibleInlineMixin, admin.TabularInline):
    """A tabular inline that obeys `visible_to(user)`."""


class VisibleStackedInline(VisibleInlineMixin, admin.StackedInline):
    """A stacked inline that obeys `visible_to(user)`."""

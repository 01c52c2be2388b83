"""The base of every Django admin page: it shows only what `visible_to(user)` lets the user see.

Organization admins are not above the visibility rule: a confidential case belongs to its
team and its requester in the admin as in the web pages and the API. Every ModelAdmin and
inline registered on the admin site inherits `VisibleAdminMixin`, so none can forget the rule
(tests/core/test_admin_visibility.py checks each of them). It applies the rule to the
changelist, search, the change, history and delete pages (an object the user may not see
is a 404), autocomplete (which reads the target model's admin), the choices of foreign
keys and many-to-many fields in forms, related-field list filters, and the related objects
a delete confirmation names.

Two more things every admin page gets from here. Timestamps the system records
(`timestamp_names`) are read-only, after the other fields, and left out of inline rows; a
save through the admin moves `updated_at` itself. A model constraint's message is shown on
the field its `violation_error_code` names (`ConstraintErrorsOnFields`), not above the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import (
    NestedObjects,
    NotRelationField,
    get_fields_from_path,
    quote,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ImproperlyConfigured
from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.fields.related import ForeignKey, ManyToManyField, RelatedField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from staffdesk.core import clock

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


# Moments the system records about a row, never an administrator's to set.
TIMESTAMP_NAMES = frozenset(
    {"created_at", "updated_at", "last_login", "date_joined", "last_used_at"}
)


def is_timestamp(field: models.Field) -> bool:
    """An `auto_now`/`auto_now_add` field, or a bookkeeping moment named in TIMESTAMP_NAMES."""
    return isinstance(field, models.DateTimeField) and (
        field.auto_now or field.auto_now_add or field.name in TIMESTAMP_NAMES
    )


def timestamp_names(model: type[models.Model]) -> list[str]:
    """The model's timestamps, in the model's field order."""
    return [field.name for field in model._meta.concrete_fields if is_timestamp(field)]


def touch(obj: models.Model) -> None:
    """Move `updated_at` to now before an admin save (an `auto_now` field moves by itself)."""
    try:
        field = obj._meta.get_field("updated_at")
    except FieldDoesNotExist:
        return
    if (
        isinstance(field, models.Field)
        and is_timestamp(field)
        and not getattr(field, "auto_now", False)
    ):
        setattr(obj, "updated_at", clock.now())  # noqa: B010 - not every model has one


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object

_Form = TypeVar("_Form", bound=forms.BaseForm)


class ConstraintErrorsOnFields(_FormBase):
    """A ModelForm mixin: an error whose code names one of the form's fields is shown on that
    field. The models give each constraint a `violation_error_code` naming the field its
    message is about; Django itself puts every constraint's message above the form."""

    def full_clean(self) -> None:
        super().full_clean()
        errors = getattr(self, "_errors", None)
        if not errors or NON_FIELD_ERRORS not in errors:
            return
        fields = self.fields
        general = errors[NON_FIELD_ERRORS].as_data()
        kept = [error for error in general if error.code not in fields]
        if len(kept) == len(general):
            return
        if kept:
            errors[NON_FIELD_ERRORS] = self.error_class(
                kept, error_class="nonfield", renderer=self.renderer
            )
        else:
            del errors[NON_FIELD_ERRORS]
        for error in general:
            if error.code in fields:
                self.add_error(error.code, error)


def with_errors_on_fields(form: type[_Form]) -> type[_Form]:
    """`form` with `ConstraintErrorsOnFields` mixed in."""
    if issubclass(form, ConstraintErrorsOnFields):
        return form
    return cast(type[_Form], type(form.__name__, (ConstraintErrorsOnFields, form), {}))


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

    # An address typed without a scheme is https (Django 6's default, stated now).
    formfield_overrides: ClassVar[dict[type[models.Field], dict[str, Any]]] = {
        models.URLField: {"assume_scheme": "https"}
    }

    def visible_queryset(self, request: HttpRequest) -> QuerySet:
        """This admin's objects the user may see: the model's `visible_to(user)`.

        Override only for a model staffdesk does not own, to state its rule there."""
        return visible_to(self.model, request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        """The declared read-only fields, then the model's timestamps (shown last)."""
        declared = list(super().get_readonly_fields(request, obj))
        return declared + [name for name in timestamp_names(self.model) if name not in declared]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return with_errors_on_fields(form)

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> None:
        touch(obj)
        super().save_model(request, obj, form, change)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formset: BaseInlineFormSet,
        change: bool,
    ) -> None:
        for row in formset.forms:
            if row.has_changed() and not row.cleaned_data.get("DELETE"):
                touch(row.instance)
        super().save_formset(request, form, formset, change)

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

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        """Only those declared: a row leaves its timestamps out (`get_exclude`)."""
        return list(self.readonly_fields)

    def get_exclude(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        excluded = list(super().get_exclude(request, obj) or ())
        shown = set(self.get_readonly_fields(request, obj)) | set(excluded)
        return excluded + [name for name in timestamp_names(self.model) if name not in shown]

    def get_formset(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]  # an inline's method, past the ModelAdmin the checker sees

        formset.form = with_errors_on_fields(formset.form)
        return formset


class VisibleModelAdmin(VisibleAdminMixin, admin.ModelAdmin):
    """A ModelAdmin that obeys `visible_to(user)`."""


class VisibleTabularInline(VisibleInlineMixin, admin.TabularInline):
    """A tabular inline that obeys `visible_to(user)`."""


class VisibleStackedInline(VisibleInlineMixin, admin.StackedInline):
    """A stacked inline that obeys `visible_to(user)`."""

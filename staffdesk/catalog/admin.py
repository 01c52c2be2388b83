from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from staffdesk.catalog.display import STRING_MAX, TEXT_MAX
from staffdesk.catalog.models import FormField, Service
from staffdesk.core.admin import VisibleModelAdmin, VisibleStackedInline
from staffdesk.directory.models import Person
from staffdesk.directory.selectors import active_team_members


class ChoiceLinesField(forms.Field):
    """A list question's choices, one a line as `key: name` (a line without a colon is both);
    stored as FormField.values, `[{"key": ..., "name": ...}, ...]`."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return "\n".join(
                f"{item['key']}: {item['name']}"
                if item["name"] != item["key"]
                else f"{item['key']}"
                for item in value
                if isinstance(item, dict) and "key" in item and "name" in item
            )
        return value

    def to_python(self, value: object) -> list[dict[str, str]]:
        if isinstance(value, list):
            return value
        choices: list[dict[str, str]] = []
        problems: list[str] = []
        seen: set[str] = set()
        for number, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            key, _, name = line.partition(":")
            key, name = key.strip(), name.strip() or key.strip()
            if not key:
                problems.append(
                    f"Line {number}: write the key before the colon, e.g. standard: Standard."
                )
            elif key in seen:
                problems.append(f"Line {number}: the key {key!r} is already used above.")
            else:
                seen.add(key)
                choices.append({"key": key, "name": name})
        if problems:
            raise forms.ValidationError(problems)
        return choices


class FormFieldForm(forms.ModelForm):
    """A question of the service's form; the choices of a list are edited one a line."""

    values = ChoiceLinesField(
        required=False,
        label="Choices",
        help_text='For lists: one choice a line, as key: name (e.g. standard: Standard 14").',
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        is_list = data.get("datatype") in (
            FormField.Datatype.SINGLEVALUELIST,
            FormField.Datatype.MULTIVALUELIST,
        )
        if is_list and not data.get("values") and "values" not in self.errors:
            self.add_error("values", "A list needs its choices: one a line, as key: name.")
        if not is_list and data.get("values"):
            self.add_error("values", "Only a list question has choices: clear them.")
        self._check_limits(data)
        return data

    def _check_limits(self, data: dict[str, Any]) -> None:
        """Each limit belongs to the datatypes it can judge; a short text holds 255 at most."""
        datatype = data.get("datatype")
        for names, datatypes, kind in LIMITS:
            if datatype in datatypes:
                continue
            for name in names:
                if data.get(name) not in (None, False):
                    self.add_error(name, f"Only {kind} take this limit: clear it.")
        length = data.get("max_length")
        if datatype == FormField.Datatype.STRING and length and length > STRING_MAX:
            self.add_error("max_length", f"Short text holds at most {STRING_MAX} characters.")
        if datatype == FormField.Datatype.TEXT and length and length > TEXT_MAX:
            self.add_error("max_length", f"Long text holds at most {TEXT_MAX:,} characters.")


Datatype = FormField.Datatype
# The limits of a question, the datatypes they apply to, and those datatypes in words.
LIMITS = [
    (("min_value", "max_value", "whole_number"), {Datatype.NUMBER}, "number questions"),
    (("max_length",), {Datatype.STRING, Datatype.TEXT}, "text questions"),
    (("not_in_past", "within_days"), {Datatype.DATETIME}, "date and time questions"),
]


class FormFieldInline(VisibleStackedInline):
    model = FormField
    form = FormFieldForm
    extra = 0


@admin.register(Service)
class ServiceAdmin(VisibleModelAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "group",
        "point_person",
        "backup",
        "confidential",
        "is_public",
        "fulfilment",
        "is_active",
    ]
    list_filter = ["department", "confidential", "is_public", "fulfilment", "is_active"]
    search_fields = ["code", "name", "keywords", "description"]
    list_select_related = ["department", "point_person", "backup"]
    # The point person and backup are chosen from a list: on the change form it holds the
    # providing team's active members only (autocomplete could not know the department).
    autocomplete_fields = ["department"]
    # Saving moves `updated_at` (core/admin.py): Open311 clients refresh their cached
    # catalog when discovery's changeset, the latest `updated_at`, moves.
    inlines = [FormFieldInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.department_id is None:
            # The department is not known yet: people on some team; Service.clean checks it.
            candidates = Person.objects.filter(is_active=True, memberships__isnull=False)
        else:
            candidates = active_team_members(department_id=obj.department_id)
        for name in ("point_person", "backup"):
            field = form.base_fields.get(name)
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                # The current choice stays listed, so that saving tells why it is refused
                # rather than clearing it.
                current = getattr(obj, f"{name}_id", None)
                field.queryset = field.queryset.filter(
                    Q(pk__in=candidates.values("pk")) | Q(pk=current)
                )
        return form

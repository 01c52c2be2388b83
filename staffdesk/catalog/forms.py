"""A service's typed questions as a Django form, for rendering them and reading them back.

Nothing here decides what is valid: the view passes the raw answers to the filing service,
which checks them with `catalog.answers.answers_validate`, and its errors come back in here
(keyed `answers.<code>`) to be shown beside their questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from staffdesk.catalog.display import length_limit, limit_text
from staffdesk.catalog.models import FormField
from staffdesk.core import clock
from staffdesk.core.text import normalise_texts

Datatype = FormField.Datatype


def answer_name(field: FormField) -> str:
    """The input's name, the same as the key of its errors."""
    return f"answers.{field.code}"


def answer_id(field: FormField) -> str:
    return f"answer-{field.code}"


def _has_help(field: FormField) -> bool:
    return bool(field.description or limit_text(field))


def _described_by(field: FormField, errors: list[str]) -> str:
    """The ids of the help text and the error message, when there are any."""
    ids = [f"{answer_id(field)}-help"] if _has_help(field) else []
    return " ".join([*ids, f"{answer_id(field)}-error"] if errors else ids)


@dataclass(frozen=True)
class Question:
    """One question as a template shows it: the input, its definition and its messages."""

    bound: forms.BoundField
    field: FormField
    errors: list[str]

    @property
    def is_choice_group(self) -> bool:
        return self.field.datatype == Datatype.MULTIVALUELIST

    @property
    def anchor(self) -> str:
        """The id a link to this question points at (the first box of a group)."""
        return f"{answer_id(self.field)}_0" if self.is_choice_group else answer_id(self.field)

    @property
    def limit(self) -> str:
        """What the answer may be, in words ("A whole number from 1 to 20")."""
        return limit_text(self.field)

    @property
    def has_help(self) -> bool:
        return _has_help(self.field)

    @property
    def options_id(self) -> str:
        """The id of a person question's list of suggestions."""
        return f"{answer_id(self.field)}-people"

    @property
    def help_id(self) -> str:
        return f"{answer_id(self.field)}-help"

    @property
    def error_id(self) -> str:
        return f"{answer_id(self.field)}-error"

    @property
    def describedby(self) -> str:
        return _described_by(self.field, self.errors)


def _choices(field: FormField) -> list[tuple[str, str]]:
    return [(str(value["key"]), str(value.get("name") or value["key"])) for value in field.values]


def _moment_bounds(field: FormField, now: datetime) -> dict[str, str]:
    """The browser's date picker offers only what the server accepts (to the minute)."""
    local = timezone.localtime(now)
    bounds = {}
    if field.not_in_past:
        bounds["min"] = f"{local:%Y-%m-%dT%H:%M}"
    if field.within_days:
        bounds["max"] = f"{local + timedelta(days=field.within_days):%Y-%m-%dT%H:%M}"
    return bounds


def _person_widget(field: FormField) -> forms.Widget:
    """A username or email, typed; with JavaScript, the people search suggests matches."""
    options = f"{answer_id(field)}-people"
    return forms.TextInput(
        attrs={
            "class": "form-control",
            "autocomplete": "off",
            "spellcheck": "false",
            "list": options,
            "hx-get": f"{reverse('people_options')}?input={answer_name(field)}",
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        }
    )


def _widget(field: FormField, now: datetime) -> forms.Widget:
    match field.datatype:
        case Datatype.NUMBER:
            # Not type=number: the browser would drop "two" and the server could not say why;
            # the limits are said in the help text instead of min/max attributes.
            mode = "numeric" if field.whole_number else "decimal"
            return forms.TextInput(attrs={"class": "form-control", "inputmode": mode})
        case Datatype.DATETIME:
            return forms.DateTimeInput(
                attrs={
                    "class": "form-control",
                    "type": "datetime-local",
                    **_moment_bounds(field, now),
                }
            )
        case Datatype.TEXT:
            return forms.Textarea(
                attrs={"class": "form-control", "rows": 4, "maxlength": str(length_limit(field))}
            )
        case Datatype.PERSON:
            return _person_widget(field)
        case Datatype.SINGLEVALUELIST:
            empty = [] if field.required else [("", "Not specified")]
            return forms.Select(choices=empty + _choices(field), attrs={"class": "form-select"})
        case Datatype.MULTIVALUELIST:
            return forms.CheckboxSelectMultiple(
                choices=_choices(field), attrs={"class": "form-check-input"}
            )
    return forms.TextInput(attrs={"class": "form-control", "maxlength": str(length_limit(field))})


def _form_field(field: FormField, errors: list[str], now: datetime) -> forms.Field:
    widget = _widget(field, now)
    widget.attrs["id"] = answer_id(field)
    # A group of boxes is described on its fieldset, not on every box.
    if field.datatype != Datatype.MULTIVALUELIST:
        if described_by := _described_by(field, errors):
            widget.attrs["aria-describedby"] = described_by
        if field.required:
            widget.attrs["aria-required"] = "true"
    if errors:
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] += " is-invalid"
    if field.datatype == Datatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            label=field.label, required=False, widget=widget, choices=_choices(field)
        )
    return forms.CharField(label=field.label, required=False, widget=widget)


class AnswersForm(forms.Form):
    """The questions of one service, in order; bound to a POST, it keeps what was typed."""

    # The server says what is missing, beside the field; the browser must not block the post.
    use_required_attribute = False

    def __init__(
        self,
        *,
        fields: Iterable[FormField],
        data: Mapping[str, Any] | None = None,
        errors: Mapping[str, list[str]] | None = None,
        now: datetime | None = None,
    ) -> None:
        super().__init__(data=data)
        self.form_fields = list(fields)
        self.answer_errors = dict(errors or {})
        moment = clock.resolve(now)
        for field in self.form_fields:
            self.fields[answer_name(field)] = _form_field(
                field, self.answer_errors.get(answer_name(field), []), moment
            )

    @property
    def questions(self) -> list[Question]:
        return [
            Question(
                bound=self[answer_name(field)],
                field=field,
                errors=self.answer_errors.get(answer_name(field), []),
            )
            for field in self.form_fields
        ]

    def anchors(self) -> dict[str, str]:
        """Error key → the id of the input it belongs to, for the error summary's links."""
        return {answer_name(question.field): question.anchor for question in self.questions}

    def answers(self) -> dict[str, Any]:
        """The answers as posted, keyed by field code: text, or a list of keys for a group."""
        return normalise_texts(
            {field.code: self[answer_name(field)].data for field in self.form_fields}
        )

"""Form fields the web adapters share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from staffdesk.core.errors import ValidationFailed
from staffdesk.core.ids import ID_MAX
from staffdesk.core.text import normalise_newlines


class TextField(forms.CharField):
    """User text with its line breaks normalised before `max_length` and the service count it."""

    def to_python(self, value: Any) -> str | None:
        return super().to_python(normalise_newlines(value) if isinstance(value, str) else value)


class IdField(forms.IntegerField):
    """A primary key: a number past what the database holds is a form error, not a 500."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=ID_MAX, **kwargs)


def parse(form_class: type[forms.Form], data: QueryDict) -> dict[str, Any]:
    """The cleaned values, or ValidationFailed naming each field that could not be read."""
    form = form_class(data)
    if not form.is_valid():
        errors = {name: [str(text) for text in texts] for name, texts in form.errors.items()}
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(texts)}"
            for name, texts in errors.items()
        )
        raise ValidationFailed(f"Check the form: {problems}", errors=errors)
    return form.cleaned_data

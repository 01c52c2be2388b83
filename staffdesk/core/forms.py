"""Form fields the web adapters share."""

from __future__ import annotations

from typing import Any

from django import forms

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

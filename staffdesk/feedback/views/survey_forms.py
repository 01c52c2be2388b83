"""Parsing the survey pages' forms into typed values; the services judge them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict

from staffdesk.core.forms import IdField, TextField
from staffdesk.feedback.models import Rating
from staffdesk.feedback.selectors.surveys import RatingFilters

RATING_CHOICES = [(str(value), label) for value, label in Rating.choices]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        error_messages={
            "required": "Choose one of the five answers.",
            "invalid_choice": "Choose one of the five answers (1 to 5).",
        },
    )
    # The service judges the length, with a message naming the limit.
    comment = TextField(label="Comment", required=False, strip=False)


class FollowUpForm(forms.Form):
    note = TextField(label="Internal note", required=False, strip=False)
    reply = TextField(label="Reply to the requester", required=False, strip=False)


class RatingFilterForm(forms.Form):
    """The ratings list's filters (GET): a field that does not parse counts as "any" and
    carries its error beside it."""

    rating = forms.TypedChoiceField(
        label="Rating",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any rating"), *RATING_CHOICES],
    )
    service = forms.ChoiceField(label="Service", required=False)
    agent = IdField(label="Agent", required=False, widget=forms.Select)
    since = forms.DateField(
        label="Rated from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="Rated until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, data: QueryDict, *, services: list[tuple[str, str]], agents: list[tuple[int, str]]
    ) -> None:
        super().__init__(data)
        service = self.fields["service"]
        assert isinstance(service, forms.ChoiceField)
        service.choices = [("", "All services"), *services]
        self.fields["agent"].widget.choices = [
            ("", "Anyone"),
            *[(str(pk), name) for pk, name in agents],
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def to_filters(self) -> RatingFilters:
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
        data: dict[str, Any] = self.cleaned_data
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        return RatingFilters(
            rating=data.get("rating"),
            service=data.get("service") or "",
            agent=data.get("agent"),
            since=since,
            until=until,
        )

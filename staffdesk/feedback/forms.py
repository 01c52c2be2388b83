"""Parsing the suggestion box's forms into typed values; the services judge them."""

from __future__ import annotations

from typing import Any

from django import forms

from staffdesk.announcements.forms import IdsField
from staffdesk.core.forms import IdField, TextField
from staffdesk.feedback.models import HelpAnswer
from staffdesk.feedback.selectors.suggestions import QUEUE_SORTS, SORTS, STATUS_FILTERS


class SuggestionForm(forms.Form):
    # Empty: the organization as a whole.
    department = IdField(label="To", required=False)
    title = TextField(label="Title", required=False, strip=False)
    body = TextField(label="What should change, and why", required=False, strip=False)
    service = IdField(label="About the service", required=False)
    anonymous = forms.BooleanField(label="Anonymous", required=False)


class CommentForm(forms.Form):
    body = TextField(label="Comment", required=False, strip=False)


class RespondForm(forms.Form):
    body = TextField(label="Response", required=False, strip=False)
    status = forms.CharField(label="Move it to", required=False, max_length=16)
    what_changed = TextField(label="What changed", required=False, strip=False)
    # Two submit buttons: "publish" publishes now, "draft" keeps it for the team.
    publish = forms.ChoiceField(
        label="Publish", choices=[("publish", "Publish"), ("draft", "Save a draft")]
    )


class MergeForm(forms.Form):
    into = IdField(label="Merge into suggestion number")


class RestrictForm(forms.Form):
    restricted = forms.BooleanField(label="Visible to us and the author only", required=False)


class HelpForm(forms.Form):
    answer = forms.ChoiceField(label="Did it help?", choices=HelpAnswer.Answer.choices)


class PrivateActionForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=[("comment", "Comment"), ("help", "Help")])


class PublishForm(forms.Form):
    department = IdField(label="Department")
    response_ids = IdsField(label="Drafts", required=False)


def _choices(values: Any) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class ListFilterForm(forms.Form):
    q = forms.CharField(label="Search suggestions", required=False, max_length=200)
    department = IdField(label="Department", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *_choices(STATUS_FILTERS)]
    )
    sort = forms.ChoiceField(label="Sort", required=False, choices=_choices(SORTS))
    cursor = forms.CharField(required=False, max_length=500)


class SimilarForm(forms.Form):
    title = forms.CharField(required=False, max_length=1000)
    body = forms.CharField(required=False, max_length=100_000)


class QueueFilterForm(forms.Form):
    department = forms.CharField(label="Department", required=False, max_length=10)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[*_choices(STATUS_FILTERS), ("all", "all")]
    )
    sort = forms.ChoiceField(label="Sort", required=False, choices=_choices(QUEUE_SORTS))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


class BoardFilterForm(forms.Form):
    department = IdField(label="Department", required=False)
    service = IdField(label="Service", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


def filters_of(form: forms.Form) -> dict[str, Any]:
    """The values of a filter form; a value that does not parse is left out (its default)."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}

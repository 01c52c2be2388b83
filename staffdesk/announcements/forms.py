"""Parsing the announcement and notice forms into typed values; the services judge them."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from staffdesk.announcements.models import Role, ServiceNotice
from staffdesk.core.forms import IdField, TextField

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
PEOPLE_SEPARATORS = re.compile(r"[,;\n]+")


class IdsField(forms.MultipleChoiceField):
    """Several primary keys from a multiple select; which exist is the view's question."""

    def valid_value(self, value: Any) -> bool:
        return True

    def clean(self, value: Any) -> list[int]:
        values = super().clean(value)
        ids = []
        field = IdField()
        for item in values:
            ids.append(field.clean(item))
        return ids


class AnnouncementForm(forms.Form):
    department = IdField(label="Publishing department")
    title = TextField(label="Title", required=False, strip=False)
    body = TextField(label="Body", required=False, strip=False)
    everyone = forms.BooleanField(label="Everyone", required=False)
    departments = IdsField(label="Departments", required=False)
    include_subdepartments = forms.BooleanField(label="With sub-departments", required=False)
    teams = IdsField(label="Service teams", required=False)
    roles = forms.MultipleChoiceField(label="Roles", choices=Role.choices, required=False)
    people = TextField(label="People", required=False)
    ack_required = forms.BooleanField(label="Acknowledgement required", required=False)
    ack_due_on = forms.DateField(label="Acknowledge by", required=False)
    expires_at = forms.DateTimeField(
        label="Expires", required=False, input_formats=DATETIME_FORMATS
    )
    needs_reack = forms.BooleanField(label="Ask everyone to acknowledge again", required=False)


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(label="Publish at", input_formats=DATETIME_FORMATS)


class QuestionForm(forms.Form):
    text = TextField(label="Question", required=False, strip=False)
    visibility = forms.ChoiceField(
        label="Who sees it",
        choices=[
            ("public", "Everyone who sees the announcement"),
            ("private", "Only the publishers"),
        ],
        required=False,
    )


class AnswerForm(forms.Form):
    answer = TextField(label="Answer", required=False, strip=False)


class HideForm(forms.Form):
    reason = TextField(label="Reason", required=False, strip=False)


class NoticeForm(forms.Form):
    department = IdField(label="Team")
    kind = forms.ChoiceField(label="Kind", choices=ServiceNotice.Kind.choices)
    title = TextField(label="Title", required=False, strip=False)
    message = TextField(label="Message", required=False, strip=False)
    services = IdsField(label="Services", required=False)
    starts_at = forms.DateTimeField(label="Starts", required=False, input_formats=DATETIME_FORMATS)
    expected_end_at = forms.DateTimeField(
        label="Expected end", required=False, input_formats=DATETIME_FORMATS
    )


class ResolveForm(forms.Form):
    closing_message = TextField(label="Closing message", required=False, strip=False)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    state = forms.ChoiceField(
        choices=[
            ("current", "Current"),
            ("archived", "Archived"),
            ("drafts", "Drafts and scheduled"),
        ],
        required=False,
    )


def people_texts(text: str | None) -> list[str]:
    """The usernames or emails of the editor's "Named people", one per line or comma."""
    return [part.strip() for part in PEOPLE_SEPARATORS.split(text or "") if part.strip()]

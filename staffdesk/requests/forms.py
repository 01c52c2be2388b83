"""Parsing the request page's forms into typed values; the services judge what is allowed."""

from __future__ import annotations

from django import forms

from staffdesk.core.forms import IdField, TextField, parse


class RequestDetailsForm(forms.Form):
    """What the filing form asks besides the service's questions (the service judges it)."""

    subject = TextField(required=False, strip=False)
    description = TextField(required=False, strip=False)


class MessageForm(forms.Form):
    body = TextField(required=False, strip=False)


class TransitionForm(forms.Form):
    status = forms.CharField(label="Status")
    note = TextField(label="Note", required=False, strip=False)
    resolution_code = forms.CharField(label="Resolution code", required=False, max_length=40)


class AssignForm(forms.Form):
    assignee = IdField(label="Assign to", required=False)


class PriorityForm(forms.Form):
    priority = forms.IntegerField(label="Priority")


class PersonForm(forms.Form):
    person_id = IdField(label="Person")


class PersonSearchForm(forms.Form):
    person = forms.CharField(label="Person", max_length=150)


__all__ = ["parse"]  # the forms of the request page parse with it

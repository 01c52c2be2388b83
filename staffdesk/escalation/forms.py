"""Parsing the Escalate form; `request_escalate` judges the reason (required, its length)."""

from django import forms

from staffdesk.core.forms import TextField


class EscalateForm(forms.Form):
    reason = TextField(label="Reason", required=False, strip=False)

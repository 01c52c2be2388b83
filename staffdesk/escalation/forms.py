"""Parsing the Escalate form; `request_escalate` judges the reason (required, its length)."""

from django import forms


class EscalateForm(forms.Form):
    reason = forms.CharField(label="Reason", required=False, strip=False)

"""Parsing the home page's search and the profile's token form (Django's fields refuse NUL)."""

from __future__ import annotations

from django import forms

from staffdesk.core.forms import TextField


class HomeSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)


class TokenForm(forms.Form):
    name = TextField(label="Name", required=False, strip=False)

"""Web pages of the suggestion box."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

"""Web pages of satisfaction surveys."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

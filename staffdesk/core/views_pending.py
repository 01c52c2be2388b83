"""Temporary: pages being built. Every reference must be gone before commit."""

from django.http import Http404


def pending(request, *args, **kwargs):
    raise Http404("This page is being built.")

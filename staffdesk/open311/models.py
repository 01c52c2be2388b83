"""Open311 integrations (api keys that are not a person's) and how a request came in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from staffdesk.core import clock
from staffdesk.requests.models import Request


class Integration(models.Model):
    """A system that files requests for employees it names by email; only its key's SHA-256 is stored."""

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(
        max_length=16, help_text="First characters of the key, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(
        default=True, help_text="Turn off to refuse the key at once (rather than deleting)."
    )
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="open311_integration_named"),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """A request filed through Open311: the integration that filed it, if any, and its media URL."""

    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, related_name="open311_submission"
    )
    integration = models.ForeignKey(
        Integration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        help_text="Empty when a person filed with their own key.",
    )
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.request_id} via Open311"

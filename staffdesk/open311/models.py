"""Open311 integrations (api keys that are not a person's), how a request came in, and the
comments clients posted on requests."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from staffdesk.core import clock
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.requests.models import Request, RequestEvent


class IntegrationQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> IntegrationQuerySet:
        """Organization admins only: an integration files requests for any employee it names."""
        if not (user and user.is_authenticated and user.is_superuser):
            return self.none()
        return self


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

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="open311_integration_named",
                violation_error_code="name",
                violation_error_message=(
                    "An integration needs a name: name it after the system that uses the key."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> SubmissionQuerySet:
        """Those of the requests the user may see (Open311 shows the media URL with the request)."""
        visible = Request.objects.visible_to(user).filter(pk=OuterRef("request_id"))
        return self.filter(Exists(visible))


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

    objects = SubmissionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.request_id} via Open311"


class ReceivedUpdate(models.Model):
    """A comment a client posted to servicerequestupdates, kept under the client's own update id
    so that a retry answers the first reply instead of posting it twice."""

    event = models.OneToOneField(
        RequestEvent,
        on_delete=models.CASCADE,
        related_name="open311_update",
        help_text="The public reply the comment became.",
    )
    integration = models.ForeignKey(
        Integration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
        help_text="Empty when a person posted with their own key.",
    )
    poster = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The key's owner, or the person the integration named by email.",
    )
    client_update_id = models.CharField(max_length=100)
    # What the client said, kept as sent: the status it gave (FixMyStreet's OPEN, FIXED...),
    # when it says the comment was made, and its media.
    client_status = models.CharField(max_length=40, blank=True)
    client_datetime = models.DateTimeField(null=True, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "client_update_id"],
                condition=Q(integration__isnull=False),
                name="open311_update_once_per_integration",
                violation_error_code="client_update_id",
                violation_error_message=(
                    "This integration already posted an update with this client update id: a "
                    "retry answers the first one."
                ),
            ),
            models.UniqueConstraint(
                fields=["poster", "client_update_id"],
                condition=Q(integration__isnull=True),
                name="open311_update_once_per_person",
                violation_error_code="client_update_id",
                violation_error_message=(
                    "This person already posted an update with this client update id: a retry "
                    "answers the first one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_update_id} on {self.event_id}"

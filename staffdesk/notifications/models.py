"""The outbox: one row per notification, written in the transaction of the change that caused it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from staffdesk.core import clock
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> NotificationQuerySet:
        """A person sees the notifications addressed to them; organization admins also those
        shared with admins (the inbox, read through `selectors`, is only ever the recipient's)."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self.filter(Q(recipient_id=user.pk) | Q(shared_with_admins=True))
        return self.filter(recipient_id=user.pk)


class Notification(models.Model):
    """A message for one person: shown in-app at once and delivered by email by the worker."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not emailed"

    # Indexed by `notification_inbox` (recipient first).
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True, help_text="Path of the page it is about.")
    thread_key = models.CharField(
        max_length=120, blank=True, help_text="Mails with the same key thread together."
    )
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Fail-closed: only the writer, who knows what the text quotes, may share it.
    shared_with_admins = models.BooleanField(
        default=False,
        help_text="Organization admins may read it in the admin: it quotes nothing "
        "confidential or internal.",
    )

    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(default=clock.now)
    email_claimed_until = models.DateTimeField(null=True, blank=True)
    email_claim_token = models.CharField(max_length=32, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_last_error = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_status="pending"),
                name="notification_email_due",
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}: {self.subject}"


class NotificationPreferenceQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> NotificationPreferenceQuerySet:
        """A person sees only their own preferences."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(person_id=user.pk)


class NotificationPreference(models.Model):
    """Whether a person wants email for one kind of notification; in-app is always shown."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                name="notification_preference_unique",
                violation_error_code="kind",
                violation_error_message=(
                    "This person already has a preference for this kind of notification: change "
                    "that one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.kind}: email {'on' if self.email else 'off'}"

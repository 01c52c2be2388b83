"""Abstract base models shared by every app."""

from django.db import models

from staffdesk.core import clock


class TimeStampedModel(models.Model):
    """A model that records when it was created and last changed."""

    created_at = models.DateTimeField(default=clock.now, editable=False, db_index=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True

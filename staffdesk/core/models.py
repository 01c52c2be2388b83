"""Abstract base models shared by every app."""

from django.db import models

from staffdesk.core import clock


class TimeStampedModel(models.Model):
    """A model that records when it was created and last changed."""

    created_at = models.DateTimeField(default=clock.now, editable=False, db_index=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True


class Generation(models.Model):
    """A counter that every change to some set of rows bumps in the change's transaction
    (`core.generations`): a per-process cache keyed by it is fresh in every process."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"

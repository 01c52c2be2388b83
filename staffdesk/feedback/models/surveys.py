"""Satisfaction surveys: one per person on the requester's side, per resolution of a request."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.requests.models import Request


class Rating(models.IntegerChoices):
    """The five-point scale, in words (a face alone says less than a word to many people)."""

    VERY_DISSATISFIED = 1, "Very dissatisfied"
    DISSATISFIED = 2, "Dissatisfied"
    NEUTRAL = 3, "Neither satisfied nor dissatisfied"
    SATISFIED = 4, "Satisfied"
    VERY_SATISFIED = 5, "Very satisfied"


# A rating at or under this notifies the point person and the department lead.
LOW_RATING = Rating.DISSATISFIED


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user: Viewer) -> SurveyQuerySet:
        """The person asked sees their own survey; the providing team sees its department's;
        organization admins see those of requests that are not confidential (a confidential
        case's rating is its team's alone, as the case is)."""
        if not (user and user.is_authenticated):
            return self.none()
        rule = Q(person_id=user.pk)
        teams = sorted(team_department_ids(user))
        if teams:
            rule |= Q(department_id__in=teams)
        if user.is_superuser:
            rule |= Q(confidential=False)
        return self.filter(rule)


class Survey(models.Model):
    """One person's satisfaction survey for one resolution of a request.

    Written when the request is resolved (scheduled for after the delay), opened by the
    worker at `due_at` (in-app and, once a day at most, by email) and answerable until
    `closes_at`. Reopening the request withdraws it if it is unanswered."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        WITHDRAWN = "withdrawn", "Withdrawn (the request was reopened)"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="surveys")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="surveys")
    # The request's, copied when it was resolved: the ratings list filters on them.
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="surveys", db_index=False
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="surveys")
    agent = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys_as_agent",
        help_text="Whom the request was assigned to when it was resolved.",
    )
    confidential = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(help_text="The resolution this survey is about.")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    due_at = models.DateTimeField(help_text="When the worker opens it (resolution + delay).")
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    mailed = models.BooleanField(
        default=False, help_text="Sent by email (at most one survey a person a day is)."
    )
    # The mail's links carry a secret; only its SHA-256 is kept, and it works once.
    token_hash = models.CharField(max_length=64, blank=True)

    rating = models.PositiveSmallIntegerField(null=True, blank=True, choices=Rating.choices)
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-resolved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "person", "resolved_at"],
                name="feedback_survey_one_per_resolution",
                violation_error_code="person",
                violation_error_message=(
                    "This person already has a survey for this resolution of the request."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_survey_rating_range",
                violation_error_code="rating",
                violation_error_message="A rating is a whole number from 1 to 5.",
            ),
        ]
        indexes = [
            # The worker's claim: nothing due is one probe of this small index.
            models.Index(
                fields=["due_at"], condition=Q(status="scheduled"), name="feedback_survey_due"
            ),
            # The ratings list, a department's newest first.
            models.Index(
                fields=["department", "-rated_at"],
                condition=Q(rating__isnull=False),
                name="feedback_survey_ratings",
            ),
            models.Index(fields=["token_hash"], name="feedback_survey_token"),
            # "One mail a person a day": the person's surveys mailed since a day began.
            models.Index(fields=["person", "opened_at"], name="feedback_survey_person"),
        ]

    def __str__(self) -> str:
        return f"Survey {self.pk} · request {self.request_id} · {self.person_id}"

    @property
    def is_answered(self) -> bool:
        return self.rating is not None

    def is_closed(self, now: datetime | None = None) -> bool:
        """Not open yet, withdrawn or past its closing time: no rating can be given or changed."""
        moment = clock.resolve(now)
        return self.status != self.Status.OPEN or (
            self.closes_at is not None and self.closes_at <= moment
        )

"""Business calendars and the service level agreements between departments."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from staffdesk.core.errors import ValidationFailed
from staffdesk.core.models import TimeStampedModel
from staffdesk.directory.models import Department, Person
from staffdesk.directory.types import Viewer
from staffdesk.sla.regions import holiday_region_errors, time_zone_error


def validate_time_zone(value: str) -> None:
    message = time_zone_error(value)
    if message:
        raise ValidationError(message)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class AgreementTermsQuerySet(models.QuerySet):
    """Rows that are part of what an agreement promises: calendars, their hours and closures,
    and the targets per priority."""

    def visible_to(self, user: Viewer) -> AgreementTermsQuerySet:
        """Every signed-in employee, as for agreements: the API shows them with each agreement."""
        if not (user and user.is_authenticated):
            return self.none()
        return self


class BusinessCalendar(TimeStampedModel):
    """When business time runs: weekly hours in a time zone, minus holidays and closures."""

    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA name, e.g. America/New_York.",
    )
    always_open = models.BooleanField(
        default=False,
        help_text="24x7: every hour of every day that is not a holiday or closure "
        "(leave the holiday country empty and add no closures for round-the-clock service).",
    )
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text="ISO country code for public holidays, e.g. US."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or region within the country, e.g. PA."
    )

    objects = AgreementTermsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holiday_subdivision="") | ~Q(holiday_country=""),
                name="sla_calendar_subdivision_needs_country",
                violation_error_code="holiday_subdivision",
                violation_error_message=(
                    "A holiday subdivision needs a holiday country: choose the country too, or "
                    "clear the subdivision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = holiday_region_errors(self.holiday_country, self.holiday_subdivision)
        if errors:
            raise ValidationError(errors)


class WorkingInterval(models.Model):
    """One stretch of working hours on a weekday, in the calendar's local time."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    objects = AgreementTermsQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) | Q(end=time(0)),
                name="sla_interval_ends_after_start",
                violation_error_code="end",
                violation_error_message=(
                    "The end must be after the start (an end of 00:00 means midnight at the end "
                    "of the day)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6),
                name="sla_interval_weekday",
                violation_error_code="weekday",
                violation_error_message="The weekday is 0 (Monday) to 6 (Sunday).",
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"],
                name="sla_interval_unique_start",
                violation_error_code="start",
                violation_error_message=(
                    "This calendar already has hours with this start on this weekday: merge the "
                    "two or change the start."
                ),
            ),
        ]

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{end}"


class Closure(models.Model):
    """A day the organization itself is closed (beyond public holidays)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    name = models.CharField(max_length=120)

    objects = AgreementTermsQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="sla_closure_unique_date",
                violation_error_code="date",
                violation_error_message="This calendar already has a closure on this date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


def default_pausing_statuses() -> list[str]:
    return ["waiting_on_requester"]


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> AgreementQuerySet:
        """Every signed-in employee may read every agreement: they are promises between departments."""
        if not (user and user.is_authenticated):
            return self.none()
        return self

    def active_on(self, day: date) -> AgreementQuerySet:
        """In force on that day: active and effective; the review date is a reminder, not an end."""
        return self.filter(status=Agreement.Status.ACTIVE, effective_from__lte=day)


class Agreement(TimeStampedModel):
    """A provider department's promise to its customer departments (or everyone), and theirs back."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"

    name = models.CharField(max_length=160)
    provider = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="sla_agreements"
    )
    customers = models.ManyToManyField(
        Department,
        blank=True,
        related_name="sla_agreements_as_customer",
        help_text="Empty: every department.",
    )
    applies_to_everyone = models.BooleanField(
        default=False, help_text="Set when no customer departments are named."
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="agreements"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField()
    review_on = models.DateField(null=True, blank=True, help_text="A reminder, not an end date.")
    point_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sla_agreements_as_point",
        help_text="The provider's named contact for this agreement.",
    )
    provider_commitments = models.TextField(blank=True)
    customer_commitments = models.TextField(
        blank=True, help_text="e.g. purchase requests arrive with a quote and a budget code."
    )
    at_risk_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        help_text="Share of a target used at which a clock is at risk.",
    )
    pausing_statuses = models.JSONField(
        default=default_pausing_statuses,
        blank=True,
        help_text="Request statuses during which the resolution clock pauses.",
    )
    services_only = models.BooleanField(
        default=False,
        help_text="Applies only to the services that name it (a per-service override), "
        "never as the department's own agreement.",
    )
    is_organization_default = models.BooleanField(
        default=False, help_text="Applies where no department agreement does (one active at most)."
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_organization_default"],
                condition=Q(is_organization_default=True, status="active"),
                name="sla_agreement_one_active_default",
                violation_error_code="is_organization_default",
                violation_error_message=(
                    "Another active agreement is already the organization default: untick Is "
                    "organization default, or make the other one a draft or expired first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(at_risk_share__gt=0) & Q(at_risk_share__lte=1),
                name="sla_agreement_at_risk_share_range",
                violation_error_code="at_risk_share",
                violation_error_message=(
                    "The at risk share is above 0 and at most 1 (0.75: at risk once three quarters "
                    "of a target are used)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=F("effective_from")),
                name="sla_agreement_review_after_start",
                violation_error_code="review_on",
                violation_error_message=(
                    "Review on must be on or after Effective from: clear it or choose a later date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(services_only=False) | Q(is_organization_default=False),
                name="sla_agreement_default_not_services_only",
                violation_error_code="services_only",
                violation_error_message=(
                    "The organization default applies to every department: untick Services only "
                    "(or Is organization default)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="sla_agreement_provider")]

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    P1 = 1, "P1 critical"
    P2 = 2, "P2 high"
    P3 = 3, "P3 medium"
    P4 = 4, "P4 low"

    @classmethod
    def problem(cls, value: object) -> str:
        """What is wrong with `value` as a priority, in words; "" if nothing."""
        if isinstance(value, int) and not isinstance(value, bool) and value in cls.values:
            return ""
        return "must be 1 (critical), 2 (high), 3 (medium) or 4 (low)"

    @classmethod
    def check(cls, value: object) -> None:
        """Raise ValidationFailed (field `priority`) unless `value` is a priority."""
        if problem := cls.problem(value):
            raise ValidationFailed(f"priority {problem}.", errors={"priority": [problem]})


class AgreementTarget(models.Model):
    """An agreement's targets for one priority, in business minutes."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    objects = AgreementTermsQuerySet.as_manager()

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "priority"],
                name="sla_target_unique_priority",
                violation_error_code="priority",
                violation_error_message=(
                    "This agreement already has targets for this priority: edit that row."
                ),
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=4),
                name="sla_target_priority_range",
                violation_error_code="priority",
                violation_error_message="The priority is 1 (critical) to 4 (low).",
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0)
                & Q(resolution_minutes__gte=F("first_response_minutes")),
                name="sla_target_minutes",
                violation_error_code="resolution_minutes",
                violation_error_message=(
                    "The resolution minutes target cannot be shorter than the first response "
                    "minutes target, which must be more than 0."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.priority}: respond {self.first_response_minutes} min, resolve {self.resolution_minutes} min"

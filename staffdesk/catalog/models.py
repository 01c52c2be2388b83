"""The service catalog: what each department offers and the form to ask for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from staffdesk.core.models import TimeStampedModel
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.selectors import active_team_members
from staffdesk.directory.types import Viewer

service_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,59}$", "lowercase letters, digits and hyphens (2 to 60)."
)
field_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$", "lowercase letters, digits and underscores, starting with a letter."
)


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> ServiceQuerySet:
        """Active services to everyone (confidential ones too, so they can be filed), signed
        in or not (Open311 lists them without a key); inactive ones only to the providing
        team and organization admins."""
        if not (user and user.is_authenticated):
            return self.filter(is_active=True)
        if user.is_superuser:
            return self
        teams = Membership.objects.filter(person_id=user.pk).values("department_id")
        return self.filter(Q(is_active=True) | Q(department_id__in=teams))


class Service(TimeStampedModel):
    """Something a department does for other employees, with its point person and backup."""

    class Fulfilment(models.TextChoices):
        REQUEST = "request", "Request"
        INFORMATION = "information", "Information only"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(max_length=60, unique=True, validators=[service_code_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    keywords = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated words people search for."
    )
    group = models.CharField(max_length=80, blank=True)
    point_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="services_as_point"
    )
    backup = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="services_as_backup"
    )
    confidential = models.BooleanField(
        default=False, help_text="Cases are visible only to the providing team and the requester."
    )
    fulfilment = models.CharField(
        max_length=20, choices=Fulfilment.choices, default=Fulfilment.REQUEST
    )
    is_active = models.BooleanField(default=True)
    is_public = models.BooleanField(
        default=False,
        help_text="Anyone may read its requests through Open311 without a key: description, "
        "answers, public replies, status, location (never who filed it). "
        "Not for confidential services.",
    )
    sla_agreement = models.ForeignKey(
        "sla.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="Overrides the department's agreement for this service.",
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential=False) | Q(is_public=False),
                name="service_public_not_confidential",
                violation_error_code="is_public",
                violation_error_message=(
                    "A confidential service cannot be public: untick Is public (or Confidential)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The point person and the backup are active members of the providing team: routing
        gives work to no one else, so anyone else would leave requests unassigned."""
        if self.department_id is None:
            return
        team = set(
            active_team_members(department_id=self.department_id).values_list("pk", flat=True)
        )
        errors = {
            name: team_member_problem(person, self.department)
            for name in ("point_person", "backup")
            if (person := getattr(self, name)) is not None and person.pk not in team
        }
        if errors:
            raise ValidationError(errors)

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


def team_member_problem(person: Person, department: Department) -> str:
    """Why `person` cannot be a point person or backup of one of `department`'s services."""
    state = "a former employee" if not person.is_active else "not on its team"
    return (
        f"{person} is {state}: choose an active member of the {department.name} team, "
        "or add them to the team first."
    )


class FormFieldQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> FormFieldQuerySet:
        """The questions of the services the user may see: whoever may file one reads its form."""
        return self.filter(service__in=Service.objects.visible_to(user))


class FormField(models.Model):
    """One typed question of a service's request form (Open311 attribute datatypes)."""

    class Datatype(models.TextChoices):
        STRING = "string", "Short text"
        NUMBER = "number", "Number"
        DATETIME = "datetime", "Date and time"
        TEXT = "text", "Long text"
        SINGLEVALUELIST = "singlevaluelist", "Choose one"
        MULTIVALUELIST = "multivaluelist", "Choose any"
        # Not an Open311 datatype: Open311 offers it as a string (a username or email).
        PERSON = "person", "Person"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fields")
    code = models.CharField(max_length=40, validators=[field_code_validator])
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    values = models.JSONField(
        default=list, blank=True, help_text='For lists: [{"key": "...", "name": "..."}, ...]'
    )
    # What an answer may be, per datatype; empty means no limit beyond the datatype's own.
    min_value = models.DecimalField(
        "smallest number",
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="For numbers: the smallest answer accepted.",
    )
    max_value = models.DecimalField(
        "largest number",
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="For numbers: the largest answer accepted.",
    )
    whole_number = models.BooleanField(
        "whole numbers only", default=False, help_text="For numbers: no fractions (1, 2, 3...)."
    )
    max_length = models.PositiveIntegerField(
        "longest answer",
        null=True,
        blank=True,
        help_text="For text: at most this many characters (short text takes at most 255).",
    )
    not_in_past = models.BooleanField(
        "not in the past",
        default=False,
        help_text="For dates and times: the answer is now or later.",
    )
    within_days = models.PositiveIntegerField(
        "within days",
        null=True,
        blank=True,
        help_text="For dates and times: at most this many days after filing.",
    )

    objects = FormFieldQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"],
                name="form_field_code_unique",
                violation_error_code="code",
                violation_error_message=(
                    "This service already has a question with this code: choose another code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="form_field_min_not_above_max",
                violation_error_code="max_value",
                violation_error_message=(
                    "The largest number must not be below the smallest number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_length__isnull=True) | Q(max_length__gte=1),
                name="form_field_max_length_positive",
                violation_error_code="max_length",
                violation_error_message="The longest answer is at least 1 character.",
            ),
            models.CheckConstraint(
                condition=Q(within_days__isnull=True) | Q(within_days__gte=1),
                name="form_field_within_days_positive",
                violation_error_code="within_days",
                violation_error_message="Within days is at least 1 (tomorrow).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code}.{self.code}"

    @property
    def is_list(self) -> bool:
        return self.datatype in (self.Datatype.SINGLEVALUELIST, self.Datatype.MULTIVALUELIST)

    @property
    def allowed_keys(self) -> list[str]:
        return [str(value["key"]) for value in self.values]

"""Who works where: departments, people, team memberships and personal API tokens."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from staffdesk.core.models import TimeStampedModel

if TYPE_CHECKING:
    from staffdesk.directory.types import Viewer

department_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$", "2 to 10 capital letters or digits, starting with a letter."
)


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> DepartmentQuerySet:
        """Every signed-in employee sees the whole organization chart."""
        if not (user and user.is_authenticated):
            return self.none()
        return self


class Department(TimeStampedModel):
    """A unit of the organization that serves others (HR, IT, Finance...)."""

    code = models.CharField(max_length=10, unique=True, validators=[department_code_validator])
    name = models.CharField(max_length=120)
    lead = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_departments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> PersonQuerySet:
        """Employees see active colleagues; organization admins also see former staff."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(is_active=True)


class PersonManager(UserManager.from_queryset(PersonQuerySet)):  # type: ignore[misc]  # a base built at runtime
    pass


class Person(AbstractUser):
    """An employee: a Django user plus their place in the organization."""

    employee_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    start_date = models.DateField(null=True, blank=True)
    away_until = models.DateField(
        null=True, blank=True, help_text="Away through this date (inclusive)."
    )
    delegate = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegating_for",
        help_text="Receives this person's new work while they are away.",
    )

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def is_away(self, on: date) -> bool:
        return self.away_until is not None and on <= self.away_until


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> MembershipQuerySet:
        """Who is on which service team: every signed-in employee, of the people they may see."""
        return self.filter(person__in=Person.objects.visible_to(user))


class Membership(TimeStampedModel):
    """A person's place on a department's service team: agent (member) or lead."""

    class Role(models.TextChoices):
        MEMBER = "member", "Agent"
        LEAD = "lead", "Lead"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "department"],
                name="membership_unique",
                violation_error_code="person",
                violation_error_message=(
                    "This person is already on this department's team: change their role on that "
                    "row instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} of {self.department.code}"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> ApiTokenQuerySet:
        """A person sees only their own tokens."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(person=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_token_named",
                violation_error_code="name",
                violation_error_message=(
                    "A token needs a name: name it after the script or device that uses it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

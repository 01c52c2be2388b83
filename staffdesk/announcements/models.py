"""Announcements to an audience resolved at read time, with their versions, read receipts and
questions; and service notices, the internal status board.

Who is in an announcement's audience is never written down per person: the audience rules
are matched against the reader's department, teams and roles as they are when read, so
someone who joins Finance tomorrow sees Finance's current news and someone who leaves no
longer does. Rows per person exist only for what a person did (viewed, acknowledged, asked,
was reminded, was affected).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.models import TimeStampedModel
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.selectors import team_roles
from staffdesk.directory.types import Viewer

MAX_BODY = 50_000


class Role(models.TextChoices):
    """The roles an audience can name."""

    AGENTS = "agents", "Agents (everyone on a service team)"
    LEADS = "leads", "Team and department leads"
    ADMINS = "admins", "Organization admins"


# How deep sub-departments are followed ("Finance and its sub-departments"): a city's
# department, division, section, unit and team, with room to spare.
TREE_DEPTH = 8


def publisher_department_ids(user: Viewer) -> set[int]:
    """The departments whose announcements `user` publishes: those whose team they lead (a
    department's lead is always a lead of its team, `directory.services`)."""
    return {d for d, role in team_roles(user).items() if role == Membership.Role.LEAD}


def reader_roles(user: Viewer) -> set[str]:
    """The audience roles `user` holds now."""
    roles = set(team_roles(user).values())
    held = {Role.AGENTS} if roles else set()
    if Membership.Role.LEAD in roles:
        held.add(Role.LEADS)
    if user.is_superuser:
        held.add(Role.ADMINS)
    return {str(role) for role in held}


def _tree_q(relation: str, department_id: int) -> Q:
    """`department_id` itself and the departments `relation` reaches from it, up to TREE_DEPTH
    steps (`children`: its ancestors; `parent`: its descendants)."""
    found = Q(pk=department_id)
    for depth in range(1, TREE_DEPTH + 1):
        found |= Q(**{"__".join([relation] * depth) + "__pk": department_id})
    return found


def ancestors_and_self(department_id: int) -> models.QuerySet[Department, Any]:
    return Department.objects.filter(_tree_q("children", department_id)).values("pk")


def descendants_and_self(department_id: int) -> models.QuerySet[Department, Any]:
    return Department.objects.filter(_tree_q("parent", department_id)).values("pk")


class AnnouncementQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer, *, now: datetime | None = None) -> AnnouncementQuerySet:
        """Its audience sees it once published (and after it is archived); the publishing
        department's leads and organization admins see it from its first draft; nobody else."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(department_id__in=sorted(publisher_department_ids(user)))
            | (self.published_q(clock.resolve(now)) & audience_q(user))
        )

    @staticmethod
    def published_q(now: datetime) -> Q:
        """Published by `now`: by the worker or because its scheduled time has come."""
        return Q(status__in=[Announcement.Status.PUBLISHED, Announcement.Status.ARCHIVED]) | Q(
            status=Announcement.Status.SCHEDULED, publish_at__lte=now
        )

    def current(self, now: datetime) -> AnnouncementQuerySet:
        """Published and not archived (nor past its expiry, which the worker archives)."""
        return self.filter(
            Q(status=Announcement.Status.PUBLISHED)
            | Q(status=Announcement.Status.SCHEDULED, publish_at__lte=now)
        ).exclude(expires_at__lte=now)


def audience_q(user: Viewer) -> Q:
    """The announcements whose audience includes `user`, as the organization is now (the
    inverse of `audience_people`; a test holds them equal)."""
    rules = AudienceRule.objects.filter(announcement_id=OuterRef("pk"))
    kind = AudienceRule.Kind
    match = Q(kind=kind.EVERYONE) | Q(kind=kind.PERSON, person_id=user.pk)
    department_id = getattr(user, "department_id", None)
    if department_id is not None:
        match |= Q(kind=kind.DEPARTMENT, department_id=department_id) | Q(
            kind=kind.DEPARTMENT,
            include_subdepartments=True,
            department_id__in=ancestors_and_self(department_id),
        )
    teams = sorted(team_roles(user))
    if teams:
        match |= Q(kind=kind.TEAM, department_id__in=teams)
    roles = reader_roles(user)
    if roles:
        match |= Q(kind=kind.ROLE, role__in=sorted(roles))
    return Q(Exists(rules.filter(match)))


def audience_people(rules: list[AudienceRule]) -> Q:
    """The people (a `Person` filter) that `rules` name, as the organization is now."""
    kind = AudienceRule.Kind
    found = Q(pk__in=[])
    for rule in rules:
        if rule.kind == kind.EVERYONE:
            return Q()
        if rule.kind == kind.PERSON:
            found |= Q(pk=rule.person_id)
        elif rule.kind == kind.DEPARTMENT and rule.department_id is not None:
            found |= (
                Q(department_id__in=descendants_and_self(rule.department_id))
                if rule.include_subdepartments
                else Q(department_id=rule.department_id)
            )
        elif rule.kind == kind.TEAM and rule.department_id is not None:
            found |= Q(
                Exists(
                    Membership.objects.filter(
                        person_id=OuterRef("pk"), department_id=rule.department_id
                    )
                )
            )
        elif rule.role == Role.AGENTS:
            found |= Q(Exists(Membership.objects.filter(person_id=OuterRef("pk"))))
        elif rule.role == Role.LEADS:
            found |= Q(
                Exists(
                    Membership.objects.filter(person_id=OuterRef("pk"), role=Membership.Role.LEAD)
                )
            )
        elif rule.role == Role.ADMINS:
            found |= Q(is_superuser=True)
    return found


class Announcement(TimeStampedModel):
    """News from a department to an audience, optionally to be acknowledged."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="announcements"
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, help_text="The body rendered and sanitised.")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("publication time", null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("expiry", null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    ack_required = models.BooleanField(
        default=False, help_text="Everyone in the audience must confirm they have read it."
    )
    ack_due_on = models.DateField(null=True, blank=True)
    ack_version = models.PositiveIntegerField(
        "version to acknowledge",
        default=1,
        help_text="Acknowledgements of this version or a later one count.",
    )

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # The worker's claims: scheduled announcements whose time has come, and current
            # ones past their expiry.
            models.Index(
                fields=["publish_at"], condition=Q(status="scheduled"), name="announcement_due"
            ),
            models.Index(
                fields=["expires_at"], condition=Q(status="published"), name="announcement_expiry"
            ),
            # A department's announcements, newest first (its publishers' list).
            models.Index(fields=["department", "-published_at"], name="announcement_department"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(expires_at__gt=models.F("publish_at")),
                name="announcement_expires_after_publish",
                violation_error_code="expires_at",
                violation_error_message="The expiry must come after the publication time.",
            ),
            models.CheckConstraint(
                condition=Q(ack_version__lte=models.F("version")),
                name="announcement_ack_version_exists",
                violation_error_code="ack_version",
                violation_error_message="The version to acknowledge must be one the announcement has.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def department_name(self) -> str:
        """As `selectors.NewsItem` has it, so one template shows both."""
        return self.department.name

    def is_current(self, now: datetime) -> bool:
        published = self.status == self.Status.PUBLISHED or (
            self.status == self.Status.SCHEDULED
            and self.publish_at is not None
            and self.publish_at <= now
        )
        return published and (self.expires_at is None or self.expires_at > now)


class AudienceRuleQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> AudienceRuleQuerySet:
        """Whoever sees the announcement sees who it is for."""
        return self.filter(announcement__in=Announcement.objects.visible_to(user))


class AudienceRule(models.Model):
    """One part of an announcement's audience; the audience is the union of its rules."""

    class Kind(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Service team"
        ROLE = "role", "Role"
        PERSON = "person", "Person"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="audience"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    include_subdepartments = models.BooleanField(default=False)
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = AudienceRuleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="everyone", department__isnull=True, person__isnull=True, role="")
                    | Q(
                        kind__in=["department", "team"],
                        department__isnull=False,
                        person__isnull=True,
                        role="",
                    )
                    | Q(kind="role", department__isnull=True, person__isnull=True) & ~Q(role="")
                    | Q(kind="person", department__isnull=True, person__isnull=False, role="")
                ),
                name="audience_rule_names_its_kind",
                violation_error_code="kind",
                violation_error_message=(
                    "The kind must match what the rule names: a department for a department or "
                    "a team, a role for a role, a person for a person, nothing for everyone."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.DEPARTMENT and self.department is not None:
            suffix = " and its sub-departments" if self.include_subdepartments else ""
            return f"{self.department.name}{suffix}"
        if self.kind == self.Kind.TEAM and self.department is not None:
            return f"{self.department.name}'s service team"
        if self.kind == self.Kind.ROLE:
            return Role(self.role).label
        if self.kind == self.Kind.PERSON and self.person is not None:
            return self.person.display_name
        return "Everyone"


class VersionQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> VersionQuerySet:
        return self.filter(announcement__in=Announcement.objects.visible_to(user))


class Version(models.Model):
    """The text of an announcement as it was at each edit that changed it."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    editor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    needs_ack = models.BooleanField(
        default=False, help_text="Those who acknowledged an earlier version must do so again."
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["announcement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "number"],
                name="version_unique",
                violation_error_code="number",
                violation_error_message="This announcement already has a version with this number.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement} v{self.number}"


class OwnOrPublishersQuerySet(models.QuerySet):
    """Rows of what a person did with an announcement (`person`, `announcement`)."""

    def visible_to(self, user: Viewer) -> Self:
        """A person sees their own; the publishers (the department's leads, organization
        admins) those of their announcements."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(person_id=user.pk)
            | Q(announcement__department_id__in=sorted(publisher_department_ids(user)))
        )


class ReceiptQuerySet(OwnOrPublishersQuerySet):
    pass


class Receipt(models.Model):
    """What one person did with one announcement: first opened it, was reminded of it."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        # Also the index of every lookup: "has this person opened this announcement", and
        # the report's receipts of one announcement.
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "person"],
                name="receipt_unique",
                violation_error_code="person",
                violation_error_message="This person already has a receipt for this announcement.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.announcement}"


class AcknowledgementQuerySet(OwnOrPublishersQuerySet):
    """As receipts: one's own, and the publishers' of their announcements."""


class Acknowledgement(models.Model):
    """ "I have read and understood": once per person and version."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(default=clock.now)

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "person", "version"],
                name="acknowledgement_unique",
                violation_error_code="version",
                violation_error_message="You have already acknowledged this version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.announcement} v{self.version}"


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> QuestionQuerySet:
        """Of the announcements one sees: public questions not hidden, one's own, and (for the
        publishers) all of them."""
        if not (user and user.is_authenticated):
            return self.none()
        visible = self.filter(announcement__in=Announcement.objects.visible_to(user))
        if user.is_superuser:
            return visible
        return visible.filter(
            Q(is_public=True, hidden_at__isnull=True)
            | Q(asker_id=user.pk)
            | Q(announcement__department_id__in=sorted(publisher_department_ids(user)))
        )


class Question(models.Model):
    """A question on an announcement, public (the audience sees it) or private, and its answer."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="questions"
    )
    asker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class BroadcastQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> BroadcastQuerySet:
        """The worker's bookkeeping: organization admins only (in the admin)."""
        if not (user and user.is_authenticated and user.is_superuser):
            return self.none()
        return self


class Broadcast(models.Model):
    """Notifying many people, done by the worker a batch at a time: the notifications of a
    batch and the move of `after_person_id` past it commit together, so a worker stopped
    mid-way resumes after the last committed batch and nobody is told twice."""

    class Reason(models.TextChoices):
        PUBLISHED = "published", "Published"
        NEW_VERSION = "new_version", "New version to acknowledge"
        REMINDER = "reminder", "Reminder to those pending"
        NOTICE_ENDED = "notice_ended", "Service notice resolved"

    reason = models.CharField(max_length=12, choices=Reason.choices)
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="broadcasts"
    )
    notice = models.ForeignKey(
        "ServiceNotice", null=True, blank=True, on_delete=models.CASCADE, related_name="broadcasts"
    )
    version = models.PositiveIntegerField(default=1)
    requested_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next batch is due; empty once done."
    )
    after_person_id = models.BigIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The worker's claims (core.claims.process_due).
        indexes = [
            models.Index(fields=["due_at"], condition=Q(due_at__isnull=False), name="broadcast_due")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(announcement__isnull=False, notice__isnull=True)
                | Q(announcement__isnull=True, notice__isnull=False),
                name="broadcast_about_one_thing",
                violation_error_code="announcement",
                violation_error_message=(
                    "A broadcast is about one announcement or one notice, not both or neither."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.announcement or self.notice}"


class ServiceNoticeQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> ServiceNoticeQuerySet:
        """The status board is for every signed-in employee."""
        if not (user and user.is_authenticated):
            return self.none()
        return self


class ServiceNotice(TimeStampedModel):
    """A providing team's word on some of its services: an outage, a slowdown, planned work."""

    class Kind(models.TextChoices):
        OUTAGE = "outage", "Outage"
        DEGRADED = "degraded", "Degraded service"
        MAINTENANCE = "maintenance", "Planned maintenance"
        INFORMATION = "information", "Information"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="notices")
    services = models.ManyToManyField(Service, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    message = models.TextField()
    starts_at = models.DateTimeField(default=clock.now)
    expected_end_at = models.DateTimeField("expected end", null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closing_message = models.TextField(blank=True)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ServiceNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        # The status board and every catalog page: the notices not resolved yet.
        indexes = [
            models.Index(
                fields=["starts_at"], condition=Q(resolved_at__isnull=True), name="notice_open"
            ),
            models.Index(fields=["-resolved_at"], name="notice_resolved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_end_at__isnull=True)
                | Q(expected_end_at__gt=models.F("starts_at")),
                name="notice_ends_after_start",
                violation_error_code="expected_end_at",
                violation_error_message="The expected end must come after the start.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_current(self, now: datetime) -> bool:
        return self.resolved_at is None and self.starts_at <= now


class AffectedQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> AffectedQuerySet:
        """One's own "I'm affected"; the posting team and organization admins see everyone's."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        teams = Membership.objects.filter(person_id=user.pk).values("department_id")
        return self.filter(Q(person_id=user.pk) | Q(notice__department_id__in=teams))


class Affected(models.Model):
    """A person who pressed "I'm affected" on a notice instead of filing."""

    notice = models.ForeignKey(ServiceNotice, on_delete=models.CASCADE, related_name="affected")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = AffectedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "affected"
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "person"],
                name="affected_unique",
                violation_error_code="notice",
                violation_error_message="You are already counted as affected by this notice.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} affected by {self.notice}"

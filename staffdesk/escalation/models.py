"""Escalation policies (ordered levels of triggers and actions) and the ledger of fired steps."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q

from staffdesk.catalog.models import Service
from staffdesk.core.clock import now as clock_now
from staffdesk.core.models import TimeStampedModel
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.types import Viewer
from staffdesk.escalation.triggers import SLA_CLOCKS, Trigger, WatchedClock
from staffdesk.requests.models import Request


class PolicyQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> PolicyQuerySet:
        """Organization admins, who configure them, and the department's service team, whose
        ladder it is (a requester learns only the next level's name, through the request)."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.is_superuser:
            return self
        teams = Membership.objects.filter(person_id=user.pk).values("department_id")
        return self.filter(department_id__in=teams)


class Policy(TimeStampedModel):
    """A provider department's escalation levels, or one service's override of them."""

    name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="escalation_policies"
    )
    service = models.OneToOneField(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escalation_policy",
        help_text="Empty: the department's policy for all its services without their own.",
    )
    is_active = models.BooleanField(default=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(service__isnull=True),
                name="escalation_one_department_policy",
                violation_error_code="department",
                violation_error_message=(
                    "This department already has its escalation policy: edit that one, or choose "
                    "a service for a policy of that service's own."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LevelQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> LevelQuerySet:
        """The levels of the policies the user may see."""
        return self.filter(policy__in=Policy.objects.visible_to(user))


class Level(models.Model):
    """One step of a policy: when it fires (trigger) and what it does (actions)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(help_text="1 is the first level.")
    name = models.CharField(max_length=120, help_text='e.g. "Backup", "Department lead".')
    trigger = models.CharField(max_length=12, choices=Trigger.choices())
    clock = models.CharField(
        max_length=10,
        choices=WatchedClock.choices(),
        help_text="The SLA clock a share, breach or after-breach trigger reads "
        "(silence always reads team activity).",
    )
    share_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a share trigger: 1-100."
    )
    business_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="For after-breach and silence triggers."
    )
    notify_point_person = models.BooleanField(default=False)
    notify_backup = models.BooleanField(default=False)
    notify_lead = models.BooleanField(
        default=False, help_text="The department's lead (without one, its team's leads)."
    )
    notify_lead_manager = models.BooleanField(default=False, help_text="Each lead's manager.")
    notify_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_window_minutes = models.PositiveIntegerField(
        default=240,
        help_text="Business minutes the people this level tells have to answer before the "
        "requester may escalate past it (default 240: half a working day).",
    )
    reassign_to_backup = models.BooleanField(default=False)
    raise_priority = models.BooleanField(default=False, help_text="One step, up to critical.")

    objects = LevelQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "position"],
                name="escalation_level_order",
                violation_error_code="position",
                violation_error_message=(
                    "This policy already has a level at this position: give each level its own "
                    "position."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(trigger=Trigger.SHARE)
                | Q(share_percent__gte=1, share_percent__lte=100, clock__in=SLA_CLOCKS),
                name="escalation_share_needs_percent",
                violation_error_code="share_percent",
                violation_error_message=(
                    "A share trigger needs a share percent from 1 to 100, read on the first "
                    "response or resolution clock."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(trigger__in=[Trigger.BREACH, Trigger.AFTER_BREACH])
                | Q(clock__in=SLA_CLOCKS),
                name="escalation_breach_needs_clock",
                violation_error_code="clock",
                violation_error_message=(
                    "A breach or after-breach trigger reads the first response or resolution "
                    "clock: choose one of them as its clock."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(trigger__in=[Trigger.AFTER_BREACH, Trigger.SILENCE])
                | Q(business_minutes__gte=1),
                name="escalation_minutes_needed",
                violation_error_code="business_minutes",
                violation_error_message=(
                    "An after-breach or silence trigger needs business minutes (1 or more)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(trigger=Trigger.SILENCE) | Q(clock=WatchedClock.ACTIVITY),
                name="escalation_silence_reads_activity",
                violation_error_code="clock",
                violation_error_message=(
                    "A silence trigger reads team activity: choose that clock."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.position}. {self.name}"


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> EscalationQuerySet:
        """Those of visible requests; levels fired by a trigger only for the providing team."""
        if not (user and user.is_authenticated):
            return self.none()
        teams = Membership.objects.filter(person_id=user.pk).values("department_id")
        # A correlated EXISTS on the row's own request, as for request events: the
        # `request__in=<visible requests>` form makes SQLite list every visible request first.
        visible = Request.objects.visible_to(user).filter(pk=OuterRef("request_id"))
        return self.filter(Exists(visible)).filter(
            Q(source=Escalation.Source.REQUESTER) | Q(request__department_id__in=teams)
        )


class Escalation(models.Model):
    """The ledger: one fired level of a request, by its trigger or by the requester."""

    class Source(models.TextChoices):
        TRIGGER = "trigger", "Trigger"
        REQUESTER = "requester", "Requester"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(max_length=10, choices=WatchedClock.choices())
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="escalations")
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    fired_at = models.DateTimeField(default=clock_now)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["fired_at", "id"]
        constraints = [
            # Every step fires exactly once, whichever worker or person gets there first.
            models.UniqueConstraint(
                fields=["request", "clock", "level"],
                name="escalation_fires_once",
                violation_error_code="level",
                violation_error_message=(
                    "This level has already fired on this clock of the request: each level fires "
                    "once."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.clock} level {self.level_id}"

"""Requests for service, their timeline, attachments and watchers."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q

from staffdesk.announcements.models import ServiceNotice
from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.requests.sla.clocks import ClockState
from staffdesk.sla.models import Priority  # defined where SLA targets need it

SLA_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def worst_sla_alert(response_state: str, resolution_state: str) -> ClockState | None:
    """The worst state of a request's stored clocks worth flagging: breached, at risk, or
    None (the queue's badge, from a model instance or a compiled row alike)."""
    states = (response_state, resolution_state)
    return next((s for s in (ClockState.BREACHED, ClockState.AT_RISK) if s in states), None)


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_REQUESTER = "waiting_on_requester", "Waiting on requester"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (
    Status.NEW,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING_ON_REQUESTER,
)
# Closed or cancelled: no more replies, files or watchers (a resolved request can reopen).
FINISHED_STATUSES = (Status.CLOSED, Status.CANCELLED)


class Urgency(models.TextChoices):
    """How urgent it is for the requester, in their words; the team sets the priority."""

    BLOCKING = "blocking", "It stops my work"
    SLOWING = "slowing", "It slows my work down"
    WHENEVER = "whenever", "Whenever you can"

    @property
    def priority(self) -> Priority:
        """The priority a request filed with this urgency starts at (never critical)."""
        return {"blocking": Priority.P2, "slowing": Priority.P3, "whenever": Priority.P4}[
            self.value
        ]


class ResolutionCodeQuerySet(models.QuerySet["ResolutionCode"]):
    def visible_to(self, user: Viewer) -> ResolutionCodeQuerySet:
        """Every signed-in employee: a resolution is named on the public timeline."""
        if not (user and user.is_authenticated):
            return self.none()
        return self


class ResolutionCode(models.Model):
    """How a department sorts what resolved a request ("Fixed", "Replaced hardware"...)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="resolution_codes"
    )
    code = models.SlugField(max_length=40, help_text='Short and stable, e.g. "replaced".')
    label = models.CharField(max_length=120, help_text='What people read, e.g. "Replaced".')
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")
    is_active = models.BooleanField(
        default=True, help_text="Inactive codes stay on the requests they resolved."
    )

    objects = ResolutionCodeQuerySet.as_manager()

    class Meta:
        ordering = ["department", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"],
                name="request_resolution_code_unique",
                violation_error_code="code",
                violation_error_message="This department already has a resolution code "
                "with this code: choose another code.",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    EMAIL = "email", "Email"
    OPEN311 = "open311", "Open311"


class RequestCounter(models.Model):
    """The last number given to a request of a department; locked while the next one is taken."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, primary_key=True, related_name="request_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.department_id}: {self.last_number}"


class RequestQuerySet(models.QuerySet["Request"]):
    def visible_to(self, user: Viewer) -> RequestQuerySet:
        """The one definition of who may see a request.

        - requesters see what they filed or what was filed on their behalf;
        - watchers see what they watch, except confidential cases;
        - agents and leads see their department's requests (confidential ones included);
        - organization admins see everything that is not confidential;
        - a caller who is not signed in (Open311 without a key) sees the requests of public
          services (`Service.is_public`) that are not confidential, and nothing else.
        """
        if not (user and user.is_authenticated):
            # Signed-in people do not get public requests on top of the rules below: seeing a
            # request lets a person reply to it and watch it.
            return self.filter(service__is_public=True, confidential=False)
        teams = sorted(team_department_ids(user))
        if not teams and not user.is_superuser:
            # Most people are on no team and see a few dozen requests: the union of three
            # index lookups, which the database reads first and joins by primary key. As an
            # OR (below) it cannot use an index, and PostgreSQL walked the whole table for a
            # search that matches few of them (1.5 s at a million requests).
            own = self.model.objects.filter(requester_id=user.pk).order_by().values("pk")
            for_me = self.model.objects.filter(on_behalf_of_id=user.pk).order_by().values("pk")
            watched = Watcher.objects.filter(person_id=user.pk, request__confidential=False).values(
                "request_id"
            )
            return self.filter(pk__in=own.union(for_me, watched, all=True))
        watching = Watcher.objects.filter(request_id=OuterRef("pk"), person_id=user.pk)
        rule = (
            Q(requester_id=user.pk)
            | Q(on_behalf_of_id=user.pk)
            | Q(department_id__in=teams)
            | (Q(confidential=False) & Q(Exists(watching)))
        )
        if user.is_superuser:
            rule |= Q(confidential=False)
        return self.filter(rule)


class Request(models.Model):
    """One employee's request for one service, from filing to closing."""

    number = models.CharField(max_length=20, unique=True)
    # Foreign keys without an index of their own where a composite index below leads with
    # the column, or where only a rare delete's PROTECT check would use it (docs/architecture.md).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="The providing department.",
        db_index=False,
    )
    sequence = models.PositiveIntegerField()
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    confidential = models.BooleanField(default=False)
    requester = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="requests_filed", db_index=False
    )
    on_behalf_of = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="requests_for_me"
    )
    requester_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests_made",
        help_text="The requester's department when the request was filed.",
        db_index=False,
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    notice = models.ForeignKey(
        ServiceNotice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        db_index=False,  # request_notice below: only the few filed despite a notice
        help_text="The service notice the requester saw and filed anyway.",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3)
    urgency = models.CharField(
        max_length=10,
        choices=Urgency.choices,
        blank=True,
        help_text="How urgent the requester said it is for them (empty: not asked).",
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    resolution_code = models.ForeignKey(
        ResolutionCode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        db_index=False,
    )
    assignee = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests_assigned",
        db_index=False,
    )
    answers = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Where the request is about, as the requester gave it (all optional; Open311 sends it).
    location = models.CharField(
        max_length=255, blank=True, help_text="In words: a building and room, or an address."
    )
    latitude = models.FloatField(null=True, blank=True, help_text="WGS84 degrees.")
    longitude = models.FloatField(null=True, blank=True, help_text="WGS84 degrees.")
    address_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The place's id in the organization's address register.",
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # The service level agreement chosen when the request was filed, and a cache of its
    # clocks rebuilt from the timeline on every change (requests/sla/store.py).
    sla_agreement = models.ForeignKey(
        "sla.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        db_index=False,
    )
    response_due_at = models.DateTimeField(null=True, blank=True)
    response_state = models.CharField(max_length=10, blank=True, choices=ClockState.choices())
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_state = models.CharField(max_length=10, blank=True, choices=ClockState.choices())
    sla_elapsed_seconds = models.PositiveIntegerField(default=0)
    sla_paused_seconds = models.PositiveIntegerField(default=0)
    sla_settled_at = models.DateTimeField(
        null=True, blank=True, help_text="The last status change the two figures above run to."
    )
    # Never null, so the queue can page through it by keyset: requests with no running
    # clock sort last, at SLA_NEVER.
    sla_due_at = models.DateTimeField(
        default=SLA_NEVER, help_text="The earliest due time of a running clock: urgency."
    )
    next_check_at = models.DateTimeField(
        null=True, blank=True, help_text="When a clock next changes state by itself."
    )
    # A timer row for the escalation layer: every timeline change that can move a trigger
    # sets it to the change's time; the escalation tick evaluates the request's policy then
    # and sets it to the next instant a level is due (null: nothing left to fire).
    next_escalation_at = models.DateTimeField(
        null=True, blank=True, help_text="When the escalation tick next looks at this request."
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "sequence"],
                name="request_number_unique",
                violation_error_code="sequence",
                violation_error_message=(
                    "This department already has a request with this sequence number: numbers are"
                    " given at filing, never by hand."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="request_coordinates_valid",
                violation_error_code="latitude",
                violation_error_message=(
                    "Latitude and longitude go together: give both (latitude -90 to 90, longitude"
                    " -180 to 180) or neither."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="request_queue"),
            # A department's requests newest first (the API list's `department=`): read in
            # index order and filtered, instead of every open request of the department
            # joined and sorted for a page of 50 (SQLite, 1M: 80 ms -> 1.7 ms).
            models.Index(fields=["department", "id"], name="request_department_newest"),
            models.Index(fields=["requester", "status"], name="request_requester"),
            models.Index(fields=["assignee", "status"], name="request_assignee"),
            # The queue's first page: a department's open requests newest first, read in
            # index order instead of sorting all of them (PostgreSQL: 544 ms -> 6 ms at 1M).
            models.Index(
                fields=["department", "-created_at", "-id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="request_open_queue",
            ),
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="request_sla_next_check",
            ),
            # The queue's SLA-urgency order, read in index order. Not partial on the open
            # statuses: SQLite cannot match a partial index's `status IN (...)` against the
            # query's bound parameters. Finished requests sort last (`SLA_NEVER`), so a
            # department's open requests come first anyway.
            models.Index(fields=["department", "sla_due_at", "id"], name="request_urgency"),
            models.Index(
                fields=["next_escalation_at"],
                condition=models.Q(next_escalation_at__isnull=False),
                name="request_escalation_due",
            ),
            # A notice's page: the requests filed anyway while it was current.
            models.Index(
                fields=["notice"], condition=Q(notice__isnull=False), name="request_notice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def has_sla_due(self) -> bool:
        """A running SLA clock sets when this request is due (the queue's urgency)."""
        return self.sla_due_at < SLA_NEVER

    @property
    def sla_alert(self) -> ClockState | None:
        """The worst state of the stored clocks worth flagging: breached, at risk, or None."""
        return worst_sla_alert(self.response_state, self.resolution_state)


class WatcherQuerySet(models.QuerySet):
    def visible_to(self, user: Viewer) -> WatcherQuerySet:
        """Those of the requests the user may see, as the request page lists them."""
        visible = Request.objects.visible_to(user).filter(pk=OuterRef("request_id"))
        return self.filter(Exists(visible))


class Watcher(models.Model):
    """A person who follows a request and is told about its public changes."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="watchers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="watching")
    added_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = WatcherQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "person"],
                name="watcher_unique",
                violation_error_code="person",
                violation_error_message="This person already watches this request.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} watches {self.request_id}"


class RequestPartQuerySet(models.QuerySet):
    """Rows that belong to a request and may be internal: timeline events and attachments."""

    def visible_to(self, user: Viewer) -> RequestPartQuerySet:
        """Those of visible requests; internal ones only for the providing team."""
        # A correlated EXISTS checks only the parts' own requests by primary key; the
        # `request__in=<visible requests>` it replaces made SQLite list every visible
        # request first (485 ms for a 4-event timeline at a million requests).
        visible = Request.objects.visible_to(user).filter(pk=OuterRef("request_id"))
        if not (user and user.is_authenticated):
            return self.filter(Exists(visible), is_internal=False)
        teams = sorted(team_department_ids(user))
        return self.filter(Exists(visible)).filter(
            Q(is_internal=False) | Q(request__department_id__in=teams)
        )


class RequestEvent(models.Model):
    """One entry of a request's append-only timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        REPLY = "reply", "Public reply"
        NOTE = "note", "Internal note"
        STATUS = "status", "Status change"
        ASSIGNMENT = "assignment", "Assignment"
        ATTACHMENT = "attachment", "Attachment added"
        PRIORITY = "priority", "Priority change"
        WATCHER = "watcher", "Watcher added"
        ESCALATION = "escalation", "Escalation"

    # Indexed by `event_timeline` (request first); the actor only by a person's deletion.
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=clock.now)
    is_internal = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = RequestPartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file on a request, stored under a generated name and only served through a permission check."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        RequestEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255, help_text="The name the uploader gave it.")
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100, help_text="Sniffed from the content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    objects = RequestPartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class IdempotencyKey(models.Model):
    """Remembers which request a client's Idempotency-Key created, and for which body."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "key"],
                name="idempotency_key_unique",
                violation_error_code="key",
                violation_error_message=(
                    "This person already used this idempotency key: send a new key with a new "
                    "request."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.key}"

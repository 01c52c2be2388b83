"""Writing announcements: drafts, publication (now or scheduled), edits that make versions,
archiving, and what readers do (view, acknowledge)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction

from staffdesk.announcements.drafts import Audience, Draft
from staffdesk.announcements.models import (
    MAX_BODY,
    Acknowledgement,
    Announcement,
    AudienceRule,
    Broadcast,
    Receipt,
    Role,
    Version,
)
from staffdesk.announcements.selectors import in_audience, may_publish
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.core.markdown import render
from staffdesk.directory.models import Department, Person

TITLE_MAX = 200


def _require_publisher(user: Person, department_id: int) -> None:
    if not may_publish(user, department_id):
        raise PermissionDenied(
            "Only the leads of the publishing department and organization admins can do this."
        )


def _checked(draft: Draft, *, now: datetime) -> Draft:
    title, body = draft.title.strip(), draft.body.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["give the announcement a title"]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"at most {TITLE_MAX} characters, not {len(title)}"]
    if not body:
        errors["body"] = ["write what people need to know"]
    elif len(body) > MAX_BODY:
        errors["body"] = [f"at most {MAX_BODY:,} characters, not {len(body):,}"]
    if not draft.audience:
        errors["audience"] = ["choose who it is for: everyone, departments, teams, roles or people"]
    for part in draft.audience:
        problem = _audience_problem(part)
        if problem:
            errors.setdefault("audience", []).append(problem)
    if draft.ack_due_on is not None and not draft.ack_required:
        errors["ack_due_on"] = ["a due date needs a required acknowledgement"]
    if draft.expires_at is not None and draft.expires_at <= now:
        errors["expires_at"] = ["the expiry must be in the future"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"The announcement cannot be saved: {first}.", errors=errors)
    return Draft(
        title=title,
        body=body,
        audience=list(draft.audience),
        ack_required=draft.ack_required,
        ack_due_on=draft.ack_due_on,
        expires_at=draft.expires_at,
    )


def _audience_problem(part: Audience) -> str:
    kind = AudienceRule.Kind
    if part.kind not in kind.values:
        return f"unknown audience kind {part.kind!r}: one of {', '.join(kind.values)}"
    if part.kind in (kind.DEPARTMENT, kind.TEAM) and part.department is None:
        return f"a {part.kind} audience names a department"
    if part.kind == kind.ROLE and part.role not in Role.values:
        return f"unknown role {part.role!r}: one of {', '.join(Role.values)}"
    if part.kind == kind.PERSON and part.person is None:
        return "a person audience names a person"
    if part.kind == kind.PERSON and part.person is not None and not part.person.is_active:
        return f"{part.person.display_name} has left the organization"
    return ""


def _write_audience(announcement: Announcement, audience: Sequence[Audience]) -> None:
    kind = AudienceRule.Kind
    AudienceRule.objects.filter(announcement=announcement).delete()
    seen: set[tuple] = set()
    rows = []
    for part in audience:
        rule = AudienceRule(
            announcement=announcement,
            kind=part.kind,
            department=part.department if part.kind in (kind.DEPARTMENT, kind.TEAM) else None,
            include_subdepartments=part.kind == kind.DEPARTMENT and part.include_subdepartments,
            role=part.role if part.kind == kind.ROLE else "",
            person=part.person if part.kind == kind.PERSON else None,
        )
        key = (
            rule.kind,
            rule.department_id,
            rule.include_subdepartments,
            rule.role,
            rule.person_id,
        )
        if key not in seen:
            seen.add(key)
            rows.append(rule)
    AudienceRule.objects.bulk_create(rows)


@transaction.atomic
def announcement_create(
    *, author: Person, department: Department, draft: Draft, now: datetime | None = None
) -> Announcement:
    """A new draft; `announcement_publish` or `announcement_schedule` sends it out."""
    moment = clock.resolve(now)
    _require_publisher(author, department.pk)
    draft = _checked(draft, now=moment)
    announcement = Announcement.objects.create(
        department=department,
        author=author,
        title=draft.title,
        body=draft.body,
        body_html=render(draft.body),
        ack_required=draft.ack_required,
        ack_due_on=draft.ack_due_on,
        expires_at=draft.expires_at,
        created_at=moment,
        updated_at=moment,
    )
    Version.objects.create(
        announcement=announcement,
        number=1,
        title=draft.title,
        body=draft.body,
        editor=author,
        needs_ack=draft.ack_required,
        created_at=moment,
    )
    _write_audience(announcement, draft.audience)
    return announcement


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().get(pk=announcement.pk)


@transaction.atomic
def announcement_update(
    *,
    editor: Person,
    announcement: Announcement,
    draft: Draft,
    needs_reack: bool = False,
    now: datetime | None = None,
) -> Announcement:
    """Change it. Once published, an edit of the title or body makes version n+1; with
    `needs_reack` (and a required acknowledgement) everyone must acknowledge the new
    version and is told so."""
    moment = clock.resolve(now)
    _require_publisher(editor, announcement.department_id)
    announcement = _locked(announcement)
    if announcement.status == Announcement.Status.ARCHIVED:
        raise Conflict("The announcement is archived; it can no longer be changed.")
    draft = _checked(draft, now=moment)
    if draft.expires_at and announcement.publish_at and draft.expires_at <= announcement.publish_at:
        raise ValidationFailed(
            "The expiry must come after the publication time.",
            errors={"expires_at": ["choose a time after the publication time"]},
        )
    changed = (draft.title, draft.body) != (announcement.title, announcement.body)
    # Seen by its audience already: an edit before a scheduled time changes the draft.
    sent = announcement.status != Announcement.Status.DRAFT and (
        announcement.status != Announcement.Status.SCHEDULED or announcement.is_current(moment)
    )
    if changed and sent:
        announcement.version += 1
        reack = needs_reack and draft.ack_required
        Version.objects.create(
            announcement=announcement,
            number=announcement.version,
            title=draft.title,
            body=draft.body,
            editor=editor,
            needs_ack=reack,
            created_at=moment,
        )
        if reack:
            announcement.ack_version = announcement.version
            if announcement.is_current(moment):
                _broadcast(announcement, Broadcast.Reason.NEW_VERSION, editor, due=moment)
    elif changed:
        Version.objects.filter(announcement=announcement, number=announcement.version).update(
            title=draft.title, body=draft.body, editor=editor, created_at=moment
        )
    if draft.ack_required and not announcement.ack_required and sent:
        # Newly required: it counts from the version they now read.
        announcement.ack_version = announcement.version
    announcement.title = draft.title
    announcement.body = draft.body
    announcement.body_html = render(draft.body)
    announcement.ack_required = draft.ack_required
    announcement.ack_due_on = draft.ack_due_on
    announcement.expires_at = draft.expires_at
    announcement.updated_at = moment
    announcement.save()
    _write_audience(announcement, draft.audience)
    return announcement


def _broadcast(
    announcement: Announcement, reason: str, actor: Person | None, *, due: datetime
) -> Broadcast:
    return Broadcast.objects.create(
        reason=reason,
        announcement=announcement,
        version=announcement.version,
        requested_by=actor,
        created_at=due,
        due_at=due,
    )


def _unsent(actor: Person, announcement: Announcement) -> Announcement:
    """The announcement locked, when the worker has not yet published it: a draft, or
    scheduled (its first fan-out batch turns it to published)."""
    _require_publisher(actor, announcement.department_id)
    announcement = _locked(announcement)
    if announcement.status not in (Announcement.Status.DRAFT, Announcement.Status.SCHEDULED):
        raise Conflict(f"The announcement is already {announcement.get_status_display().lower()}.")
    return announcement


def _send_out(
    announcement: Announcement, actor: Person, *, status: str, at: datetime, moment: datetime
) -> Announcement:
    """Publish it at `at` (now, or a scheduled time): its fan-out falls due then."""
    if announcement.expires_at is not None and announcement.expires_at <= at:
        raise ValidationFailed(
            "The expiry must come after the publication time: choose a later one.",
            errors={"expires_at": ["choose a time after the publication time"]},
        )
    Broadcast.objects.filter(announcement=announcement, finished_at__isnull=True).delete()
    announcement.status = status
    announcement.publish_at = at
    announcement.published_at = at
    announcement.updated_at = moment
    announcement.save()
    _broadcast(announcement, Broadcast.Reason.PUBLISHED, actor, due=at)
    return announcement


@transaction.atomic
def announcement_publish(
    *, actor: Person, announcement: Announcement, now: datetime | None = None
) -> Announcement:
    """Publish it now: its audience sees it at once and is notified by the worker."""
    moment = clock.resolve(now)
    announcement = _unsent(actor, announcement)
    return _send_out(
        announcement, actor, status=Announcement.Status.PUBLISHED, at=moment, moment=moment
    )


@transaction.atomic
def announcement_schedule(
    *, actor: Person, announcement: Announcement, publish_at: datetime, now: datetime | None = None
) -> Announcement:
    """Publish it at `publish_at`: seen from then, notified by the worker then."""
    moment = clock.resolve(now)
    announcement = _unsent(actor, announcement)
    if publish_at <= moment:
        raise ValidationFailed(
            "The publication time has passed: choose a time in the future, or publish now.",
            errors={"publish_at": ["choose a time in the future"]},
        )
    return _send_out(
        announcement, actor, status=Announcement.Status.SCHEDULED, at=publish_at, moment=moment
    )


@transaction.atomic
def announcement_unschedule(
    *, actor: Person, announcement: Announcement, now: datetime | None = None
) -> Announcement:
    """Back to a draft, before its time has come."""
    moment = clock.resolve(now)
    _require_publisher(actor, announcement.department_id)
    announcement = _locked(announcement)
    if announcement.status != Announcement.Status.SCHEDULED or announcement.is_current(moment):
        raise Conflict("Only an announcement scheduled for later can go back to a draft.")
    Broadcast.objects.filter(announcement=announcement, finished_at__isnull=True).delete()
    announcement.status = Announcement.Status.DRAFT
    announcement.publish_at = None
    announcement.published_at = None
    announcement.updated_at = moment
    announcement.save()
    return announcement


@transaction.atomic
def announcement_archive(
    *, actor: Person, announcement: Announcement, now: datetime | None = None
) -> Announcement:
    """Take it down: it leaves the news and the banner; its audience can still open it."""
    moment = clock.resolve(now)
    _require_publisher(actor, announcement.department_id)
    announcement = _locked(announcement)
    if not announcement.is_current(moment) and announcement.status != Announcement.Status.PUBLISHED:
        raise Conflict("Only a published announcement can be archived.")
    _archive(announcement, moment)
    return announcement


def _archive(announcement: Announcement, moment: datetime) -> None:
    announcement.status = Announcement.Status.ARCHIVED
    announcement.archived_at = moment
    announcement.updated_at = moment
    announcement.save(update_fields=["status", "archived_at", "updated_at"])


def announcements_expire(*, now: datetime | None = None) -> int:
    """Archive the published announcements whose expiry has passed (the worker's task)."""
    moment = clock.resolve(now)
    archived = {"status": Announcement.Status.ARCHIVED, "archived_at": moment, "updated_at": moment}
    published = Announcement.objects.filter(
        status=Announcement.Status.PUBLISHED, expires_at__lte=moment
    ).update(**archived)
    # Scheduled ones the worker never got to publish (it was down from before their time to
    # after their expiry) would otherwise stay "scheduled" and drop out of every list.
    missed = Announcement.objects.filter(
        status=Announcement.Status.SCHEDULED, publish_at__lte=moment, expires_at__lte=moment
    ).update(**archived)
    return published + missed


def announcement_view(
    *, user: Person, announcement: Announcement, now: datetime | None = None
) -> bool:
    """Record the first time `user` opens it (only once; later opens change nothing).
    Returns whether this was the first."""
    moment = clock.resolve(now)
    if not announcement.is_current(moment) and announcement.status != Announcement.Status.ARCHIVED:
        return False
    updated = Receipt.objects.filter(
        announcement=announcement, person=user, viewed_at__isnull=True
    ).update(viewed_at=moment)
    if updated:
        return True
    if Receipt.objects.filter(announcement=announcement, person=user).exists():
        return False
    try:
        with transaction.atomic():
            Receipt.objects.create(announcement=announcement, person=user, viewed_at=moment)
    except IntegrityError:
        return False  # opened in two tabs at once: the other recorded it
    return True


@transaction.atomic
def announcement_acknowledge(
    *,
    user: Person,
    announcement: Announcement,
    version: int | None = None,
    now: datetime | None = None,
) -> Acknowledgement:
    """ "I have read and understood" the current version: recorded once per version; asking
    again returns the same record."""
    moment = clock.resolve(now)
    if not announcement.ack_required:
        raise Conflict("This announcement does not ask to be acknowledged.")
    if not announcement.is_current(moment):
        raise Conflict("This announcement is no longer current; there is nothing to acknowledge.")
    if not in_audience(user, announcement):
        raise PermissionDenied(
            "This announcement is not addressed to you: only its audience acknowledges it."
        )
    if version is not None and version != announcement.version:
        raise Conflict(
            f"The announcement has changed since you opened it (version {announcement.version} "
            f"now, you read {version}): read it again before acknowledging.",
            errors={"version": [f"the current version is {announcement.version}"]},
        )
    existing = Acknowledgement.objects.filter(
        announcement=announcement, person=user, version=announcement.version
    ).first()
    if existing is not None:
        return existing
    announcement_view(user=user, announcement=announcement, now=moment)
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(
                announcement=announcement,
                person=user,
                version=announcement.version,
                acknowledged_at=moment,
            )
    except IntegrityError:
        return Acknowledgement.objects.get(
            announcement=announcement, person=user, version=announcement.version
        )


@transaction.atomic
def announcement_remind(
    *, actor: Person, announcement: Announcement, now: datetime | None = None
) -> Broadcast:
    """Remind those who have not acknowledged (or, when none is asked, not opened) it: in-app
    and by email, at most once per person per 24 hours, sent by the worker."""
    moment = clock.resolve(now)
    _require_publisher(actor, announcement.department_id)
    if not announcement.is_current(moment):
        raise Conflict("Only a current announcement can be reminded of.")
    if Broadcast.objects.filter(announcement=announcement, finished_at__isnull=True).exists():
        raise Conflict(
            "Notifications about this announcement are still going out; remind once they are sent."
        )
    return _broadcast(announcement, Broadcast.Reason.REMINDER, actor, due=moment)

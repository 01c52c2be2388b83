"""Service notices: a providing team's word on its services, and the people affected."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from staffdesk.announcements.drafts import NoticeDraft
from staffdesk.announcements.models import Affected, Broadcast, ServiceNotice
from staffdesk.announcements.selectors import may_post_notices
from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Department, Person

TITLE_MAX = 200
MESSAGE_MAX = 10_000


def _require_team(user: Person, department_id: int) -> None:
    if not may_post_notices(user, department_id):
        raise PermissionDenied(
            "Only the providing team and organization admins post its service notices."
        )


def _checked(draft: NoticeDraft, *, department: Department, moment: datetime) -> NoticeDraft:
    errors: dict[str, list[str]] = {}
    title, message = draft.title.strip(), draft.message.strip()
    if draft.kind not in ServiceNotice.Kind.values:
        errors["kind"] = [f"one of {', '.join(ServiceNotice.Kind.values)}"]
    if not title:
        errors["title"] = ["say what is happening in a few words"]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"at most {TITLE_MAX} characters, not {len(title)}"]
    if not message:
        errors["message"] = ["say what people should know and do"]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [f"at most {MESSAGE_MAX:,} characters, not {len(message):,}"]
    if not draft.services:
        errors["services"] = ["choose the services it is about"]
    foreign = [s.code for s in draft.services if s.department_id != department.pk]
    if foreign:
        errors["services"] = [f"not a service of {department.name}: {', '.join(foreign)}"]
    starts_at = draft.starts_at or moment
    if draft.expected_end_at is not None and draft.expected_end_at <= starts_at:
        errors["expected_end_at"] = ["the expected end must come after the start"]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"The notice cannot be posted: {first}.", errors=errors)
    return NoticeDraft(
        kind=draft.kind,
        title=title,
        message=message,
        services=list(draft.services),
        starts_at=starts_at,
        expected_end_at=draft.expected_end_at,
    )


@transaction.atomic
def notice_post(
    *, author: Person, department: Department, draft: NoticeDraft, now: datetime | None = None
) -> ServiceNotice:
    """Post a notice on some of the department's services; it shows at its start time."""
    moment = clock.resolve(now)
    _require_team(author, department.pk)
    draft = _checked(draft, department=department, moment=moment)
    assert draft.starts_at is not None
    notice = ServiceNotice.objects.create(
        department=department,
        kind=draft.kind,
        title=draft.title,
        message=draft.message,
        starts_at=draft.starts_at,
        expected_end_at=draft.expected_end_at,
        author=author,
        created_at=moment,
        updated_at=moment,
    )
    notice.services.set(draft.services)
    return notice


@transaction.atomic
def notice_update(
    *, actor: Person, notice: ServiceNotice, draft: NoticeDraft, now: datetime | None = None
) -> ServiceNotice:
    """Change a notice that is not resolved yet (a new expected end, a fuller message)."""
    moment = clock.resolve(now)
    _require_team(actor, notice.department_id)
    notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.resolved_at is not None:
        raise Conflict("The notice is resolved; post a new one.")
    draft = _checked(draft, department=notice.department, moment=moment)
    notice.kind, notice.title, notice.message = draft.kind, draft.title, draft.message
    notice.starts_at = draft.starts_at or notice.starts_at
    notice.expected_end_at = draft.expected_end_at
    notice.updated_at = moment
    notice.save()
    notice.services.set(draft.services)
    return notice


@transaction.atomic
def notice_resolve(
    *, actor: Person, notice: ServiceNotice, closing_message: str, now: datetime | None = None
) -> ServiceNotice:
    """End it with a closing message; everyone who said they were affected is told (by the
    worker, once each)."""
    moment = clock.resolve(now)
    _require_team(actor, notice.department_id)
    closing = closing_message.strip()
    if not closing:
        raise ValidationFailed(
            "Say what was done: everyone affected will read it.",
            errors={"closing_message": ["this field is required"]},
        )
    if len(closing) > MESSAGE_MAX:
        raise ValidationFailed(
            f"The closing message is {len(closing):,} characters; keep it under {MESSAGE_MAX:,}.",
            errors={"closing_message": [f"at most {MESSAGE_MAX:,} characters"]},
        )
    notice = ServiceNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.resolved_at is not None:
        raise Conflict("The notice is already resolved.")
    notice.resolved_at = max(moment, notice.starts_at)
    notice.closing_message = closing
    notice.resolved_by = actor
    notice.updated_at = moment
    notice.save()
    Broadcast.objects.create(
        reason=Broadcast.Reason.NOTICE_ENDED,
        notice=notice,
        requested_by=actor,
        created_at=moment,
        due_at=moment,
    )
    return notice


def notice_affected(
    *,
    user: Person,
    notice: ServiceNotice,
    service: Service | None = None,
    now: datetime | None = None,
) -> tuple[Affected, bool]:
    """Count `user` as affected instead of filing; pressing it again changes nothing.
    Returns the record and whether it is new."""
    moment = clock.resolve(now)
    if not notice.is_current(moment):
        raise Conflict(
            "This notice is not current: it is resolved or has not started. File a request instead."
        )
    if service is not None and not notice.services.filter(pk=service.pk).exists():
        raise ValidationFailed(
            "The notice is not about this service.",
            errors={"service": ["not one of the notice's services"]},
        )
    existing = Affected.objects.filter(notice=notice, person=user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                Affected.objects.create(
                    notice=notice, person=user, service=service, created_at=moment
                ),
                True,
            )
    except IntegrityError:
        return Affected.objects.get(notice=notice, person=user), False


@transaction.atomic
def notice_unaffected(*, user: Person, notice: ServiceNotice) -> int:
    """ "It works for me again": stop counting `user` (and telling them when it ends)."""
    deleted, _ = Affected.objects.filter(notice=notice, person=user).delete()
    return deleted

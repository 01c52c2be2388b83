"""Suggesting (named, or anonymous with a private follow link), following, commenting,
and restricting a suggestion to its team and author."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.feedback.calendars import business_days_later, department_calendar
from staffdesk.feedback.models import Comment, Follower, ResponseTarget, Suggestion
from staffdesk.feedback.models.suggestions import MAX_BODY, MAX_TITLE
from staffdesk.feedback.selectors.suggestions import secret_hash
from staffdesk.feedback.services.suggestions.common import (
    NEW_KIND,
    Status,
    fresh,
    locked,
    page_url,
    refuse,
    require_team,
    required_text,
)
from staffdesk.notifications.services import Draft as Notice
from staffdesk.notifications.services import notification_create_many

COMMENT_MAX = 4000
EXCERPT = 600  # characters of a suggestion quoted in a notification
SECRET_BYTES = 24


@dataclass(frozen=True)
class Submitted:
    """A new suggestion, and for an anonymous one the secret of its private follow link:
    shown to its author once, never stored (only its hash is)."""

    suggestion: Suggestion
    follow_secret: str = ""


def _owner(department: Department | None) -> tuple[Department, bool]:
    """The department that answers: the one named, or for the organization as a whole the
    one the settings route such suggestions to."""
    if department is not None:
        return department, False
    code = settings.STAFFDESK_SUGGESTIONS_DEPARTMENT
    routed = Department.objects.filter(code=code).first()
    if routed is None:
        raise ValidationFailed(
            f"Suggestions to the whole organization go to department {code}, which does not "
            "exist here: choose a department.",
            errors={"department": ["choose a department"]},
        )
    return routed, True


def _respond_by(department_id: int, created_at: datetime) -> datetime:
    target = ResponseTarget.objects.filter(department_id=department_id).first()
    days = target.business_days if target else settings.STAFFDESK_SUGGESTION_RESPONSE_DAYS
    calendar = department_calendar(department_id, now=created_at)
    return business_days_later(created_at, days, calendar)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y}"


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "…"


def _department_leads(department: Department) -> list[Person]:
    """Whom a new suggestion is told to: the department's lead, else its team's leads."""
    if department.lead_id is not None and department.lead is not None:
        leads = [department.lead]
    else:
        leads = list(
            Person.objects.filter(
                memberships__department=department, memberships__role=Membership.Role.LEAD
            )
        )
    return [lead for lead in leads if lead.is_active]


def _tell_department(suggestion: Suggestion, author: Person | None, moment: datetime) -> None:
    department = suggestion.department
    who = author.display_name if author is not None else "A colleague (anonymously)"
    routed = (
        " (to the organization as a whole, routed to you)" if suggestion.to_organization else ""
    )
    body = (
        f"{who} suggests{routed}:\n\n{suggestion.title}\n\n{_excerpt(suggestion.body)}\n\n"
        f"Please answer by {_day(suggestion.respond_by)}."
    )
    # The lead is told even of their own anonymous suggestion: leaving them out would say who.
    leads = [
        lead for lead in _department_leads(department) if author is None or lead.pk != author.pk
    ]
    notification_create_many(
        drafts=[
            Notice(
                recipient=lead,
                kind=NEW_KIND,
                subject=f"New suggestion to {department.name}: {suggestion.title}",
                body=body,
                url=page_url(suggestion),
                thread_key=f"suggestion-{suggestion.pk}",
            )
            for lead in leads
        ],
        now=moment,
    )


@transaction.atomic
def suggestion_submit(
    *,
    author: Person,
    title: str,
    body: str,
    department: Department | None = None,
    service: Service | None = None,
    anonymous: bool = False,
    now: datetime | None = None,
) -> Submitted:
    """Suggest an improvement to `department` (None: to the organization as a whole, routed
    to the settings' department). Named, its author follows it; anonymous, it stores no
    author and returns the private follow link's secret. The department's lead is told."""
    moment = clock.resolve(now)
    errors: dict[str, list[str]] = {}
    title = required_text(
        title, MAX_TITLE, empty="give the suggestion a title", errors=errors, name="title"
    )
    body = required_text(
        body, MAX_BODY, empty="describe what should change", errors=errors, name="body"
    )
    refuse("The suggestion cannot be sent", errors)
    owner, to_organization = _owner(department)
    if service is not None and not to_organization and service.department_id != owner.pk:
        raise ValidationFailed(
            f"{service.name} is a service of another department: suggest it to them, or to "
            "the organization as a whole.",
            errors={"service": [f"not a service of {owner.name}"]},
        )
    secret = secrets.token_urlsafe(SECRET_BYTES) if anonymous else ""
    suggestion = Suggestion.objects.create(
        department=owner,
        to_organization=to_organization,
        service=service,
        title=title,
        body=body,
        author=None if anonymous else author,
        is_anonymous=anonymous,
        follow_secret_hash=secret_hash(secret) if anonymous else "",
        created_at=moment,
        updated_at=moment,
        respond_by=_respond_by(owner.pk, moment),
    )
    if not anonymous:
        Follower.objects.create(suggestion=suggestion, person=author, created_at=moment)
    _tell_department(suggestion, None if anonymous else author, moment)
    return Submitted(suggestion=suggestion, follow_secret=secret)


@transaction.atomic
def suggestion_follow(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> Follower:
    moment = clock.resolve(now)
    follower, created = Follower.objects.get_or_create(
        suggestion=suggestion, person=person, defaults={"created_at": moment}
    )
    if not created and not follower.active:
        follower.active = True
        follower.save(update_fields=["active"])
    return follower


@transaction.atomic
def suggestion_unfollow(
    *, suggestion: Suggestion, person: Person, now: datetime | None = None
) -> None:
    """Stop being told of its changes; kept as an inactive row, so voting later does not
    make one follow it again."""
    clock.resolve(now)
    Follower.objects.filter(suggestion=suggestion, person=person).update(active=False)


@transaction.atomic
def suggestion_comment(
    *,
    suggestion: Suggestion,
    author: Person | None,
    body: str,
    by_anonymous_author: bool = False,
    now: datetime | None = None,
) -> Comment:
    """A comment by a colleague, or (`by_anonymous_author`, through the private link, with
    no author) by the suggestion's anonymous author."""
    moment = clock.resolve(now)
    if by_anonymous_author != (author is None):
        raise ValueError("a comment has an author, or is the anonymous author's, not both")
    if by_anonymous_author and not suggestion.is_anonymous:
        raise PermissionDenied("Only an anonymous suggestion's author comments without a name.")
    errors: dict[str, list[str]] = {}
    body = required_text(
        body, COMMENT_MAX, empty="write your comment first", errors=errors, name="body"
    )
    refuse("The comment cannot be posted", errors)
    return Comment.objects.create(
        suggestion=suggestion,
        author=author,
        by_anonymous_author=by_anonymous_author,
        body=body,
        created_at=moment,
    )


@transaction.atomic
def suggestion_restrict(
    *, suggestion: Suggestion, actor: Person, restricted: bool, now: datetime | None = None
) -> Suggestion:
    """Mark it "visible to us and the author only" (a personnel matter), or open it again."""
    moment = clock.resolve(now)
    current = locked([suggestion.pk])[suggestion.pk]
    require_team(actor, current, "restricts it")
    if restricted and (
        current.status == Status.MERGED or Suggestion.objects.filter(merged_into=current).exists()
    ):
        raise Conflict(
            "A merged suggestion, or one others are merged into, is seen on the others' pages: "
            "unmerge them first.",
            errors={"restricted": ["unmerge first"]},
        )
    current.restricted = restricted
    current.updated_at = moment
    current.save(update_fields=["restricted", "updated_at"])
    return fresh(current.pk)

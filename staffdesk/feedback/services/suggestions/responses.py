"""The owning team's responses: drafts, publication one by one or in a batch, the
statuses they move a suggestion to, its followers told once per suggestion."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Department, Person
from staffdesk.directory.selectors import is_agent_of
from staffdesk.feedback.models import Response, Suggestion
from staffdesk.feedback.models.suggestions import MAX_BODY
from staffdesk.feedback.selectors.suggestions import next_statuses
from staffdesk.feedback.services.suggestions.common import (
    HELP_DELAY,
    Status,
    locked,
    refuse,
    require_team,
    tell_followers,
    too_long,
)

PUBLISH_MAX = 500  # drafts published at once


def _check_response(current: Suggestion, status: str, body: str, what_changed: str) -> None:
    """Refuse a response the suggestion cannot take as it stands now."""
    errors: dict[str, list[str]] = {}
    if status and status not in Status.values:
        errors["status"] = [f"one of {', '.join(next_statuses(Status.SUBMITTED))}"]
    elif status == Status.MERGED:
        errors["status"] = ["to merge it, merge it into the other suggestion"]
    if len(body) > MAX_BODY:
        errors["body"] = [too_long(body, MAX_BODY)]
    elif status == Status.DECLINED and not body:
        errors["body"] = ["declining needs a reason: write it in the response"]
    elif not body and not status:
        errors["body"] = ["write the response, or choose the status it moves the suggestion to"]
    if len(what_changed) > MAX_BODY:
        errors["what_changed"] = [too_long(what_changed, MAX_BODY)]
    elif status == Status.DONE and not what_changed:
        errors["what_changed"] = ["say what is different now that it is done"]
    elif what_changed and status != Status.DONE:
        errors["what_changed"] = ["what changed goes with “done”"]
    refuse("The response cannot be saved", errors)
    if current.status == Status.MERGED:
        raise Conflict(
            "This suggestion is merged into another: respond to that one.",
            errors={"suggestion": [f"merged into {current.merged_into_id}"]},
        )
    if status and status not in next_statuses(current.status):
        allowed = [Status(value).label.lower() for value in next_statuses(current.status)]
        where = f"it can move to {', '.join(allowed)}" if allowed else "its status is final"
        raise Conflict(
            f"The suggestion is {current.get_status_display().lower()}: {where}, not "
            f"{Status(status).label.lower()}.",
            errors={"status": [where]},
        )


def _publish(
    current: Suggestion, responses: Sequence[Response], *, actor: Person, moment: datetime
) -> None:
    """Publish the suggestion's responses in order (each moving its status on) and tell its
    followers once, of them all."""
    before = current.status
    for response in responses:
        _check_response(current, response.status, response.body, response.what_changed)
        response.published_at = moment
        response.updated_at = moment
        response.save(update_fields=["published_at", "updated_at"])
        if current.responded_at is None:
            current.responded_at = moment
        if response.status:
            current.status = response.status
        if response.status == Status.DONE:
            current.done_at = moment
            current.help_due_at = moment + HELP_DELAY
        elif response.status == Status.DECLINED:
            current.decline_reason = response.body
    current.updated_at = moment
    current.save(
        update_fields=[
            "status",
            "responded_at",
            "done_at",
            "help_due_at",
            "decline_reason",
            "updated_at",
        ]
    )
    department = Department.objects.only("name").get(pk=current.department_id)
    if current.status != before:
        subject = f"“{current.title}” is now {current.get_status_display().lower()}"
    else:
        subject = f"{department.name} responded to “{current.title}”"
    parts = []
    for response in responses:
        moved = f" ({Status(response.status).label.lower()})" if response.status else ""
        text = f"{department.name}{moved}:\n{response.body}".rstrip()
        if response.what_changed:
            text += f"\n\nWhat changed:\n{response.what_changed}"
        parts.append(text)
    tell_followers(current, subject=subject, body="\n\n".join(parts), actor=actor, moment=moment)


@transaction.atomic
def suggestion_respond(
    *,
    suggestion: Suggestion,
    actor: Person,
    body: str,
    status: str = "",
    what_changed: str = "",
    publish: bool = True,
    now: datetime | None = None,
) -> Response:
    """The owning team's response, moving the suggestion on to `status` (none: a reply
    only). Published at once, or (`publish=False`) a draft its team alone sees until
    `suggestion_responses_publish`. Declining needs a reason (the body); done, what changed."""
    moment = clock.resolve(now)
    current = locked([suggestion.pk])[suggestion.pk]
    require_team(actor, current, "responds to it")
    body, what_changed = body.strip(), what_changed.strip()
    _check_response(current, status, body, what_changed)
    response = Response.objects.create(
        suggestion=current,
        written_by=actor,
        body=body,
        status=status,
        what_changed=what_changed,
        created_at=moment,
        updated_at=moment,
    )
    if publish:
        _publish(current, [response], actor=actor, moment=moment)
    return response


@transaction.atomic
def suggestion_responses_publish(
    *,
    department: Department,
    actor: Person,
    response_ids: Sequence[int],
    now: datetime | None = None,
) -> list[Response]:
    """Publish a batch of the department's drafts at once: all of them or (one refused)
    none; the followers of each suggestion are told once, of all its responses."""
    moment = clock.resolve(now)
    if not is_agent_of(actor, department.pk):
        raise PermissionDenied(f"Only {department.name}'s team publishes its responses.")
    wanted = sorted(set(response_ids))
    if not wanted:
        raise ValidationFailed(
            "Choose the drafts to publish.", errors={"response_ids": ["choose at least one"]}
        )
    if len(wanted) > PUBLISH_MAX:
        raise ValidationFailed(
            f"Publish at most {PUBLISH_MAX} drafts at once.",
            errors={"response_ids": [f"at most {PUBLISH_MAX}"]},
        )
    found = list(
        Response.objects.filter(pk__in=wanted, suggestion__department=department).order_by(
            "created_at", "id"
        )
    )
    missing = sorted(set(wanted) - {response.pk for response in found})
    if missing:
        raise NotFound(
            f"No response {', '.join(map(str, missing))} to {department.name}'s suggestions.",
            errors={"response_ids": [f"unknown: {', '.join(map(str, missing))}"]},
        )
    published = [response.pk for response in found if response.published_at is not None]
    if published:
        raise Conflict(
            f"Already published: {', '.join(map(str, published))}.",
            errors={"response_ids": [f"already published: {', '.join(map(str, published))}"]},
        )
    by_suggestion: dict[int, list[Response]] = defaultdict(list)
    for response in found:
        by_suggestion[response.suggestion_id].append(response)
    rows = locked(by_suggestion)
    for suggestion_id in sorted(by_suggestion):
        _publish(rows[suggestion_id], by_suggestion[suggestion_id], actor=actor, moment=moment)
    return found

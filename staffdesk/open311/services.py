"""Every Open311 write: integration keys, filing a request that came in through Open311, and
the comments clients post on requests (mySociety's servicerequestupdates)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.open311.models import Integration, ReceivedUpdate, Submission
from staffdesk.requests.models import Channel, Request, RequestEvent, Status
from staffdesk.requests.services import (
    Location,
    allowed_transitions,
    request_reply,
    request_submit,
    request_transition,
)
from staffdesk.requests.services.notify import requester_audience

INTEGRATION_KEY_PREFIX = "o311_"  # a public marker, not a secret
SUBJECT_MAX = 120


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def integration_key_issue(*, integration: Integration, now: datetime | None = None) -> str:
    """Give the integration a new key (saving it); the old key stops working. Returns the secret,
    which is never retrievable again."""
    secret = INTEGRATION_KEY_PREFIX + secrets.token_urlsafe(32)
    integration.prefix = secret[:10]
    integration.key_hash = _hash_key(secret)
    if integration.pk is None:
        integration.created_at = clock.resolve(now)
    integration.save()
    return secret


def integration_authenticate(*, secret: str, now: datetime | None = None) -> Integration | None:
    """The active integration a key belongs to, or None; records when it was last used."""
    if not secret.startswith(INTEGRATION_KEY_PREFIX):
        return None
    integration = Integration.objects.filter(key_hash=_hash_key(secret), is_active=True).first()
    if integration is None:
        return None
    moment = clock.resolve(now)
    # Only write when the stored value is stale, so a busy integration does not write every call.
    if (
        integration.last_used_at is None
        or (moment - integration.last_used_at).total_seconds() > 300
    ):
        Integration.objects.filter(pk=integration.pk).update(last_used_at=moment)
    return integration


def subject_from(description: str) -> str:
    """Open311 has no title: the first line of the description, shortened at a word, stands in
    (empty: the request takes the service's name)."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first_line) <= SUBJECT_MAX:
        return first_line
    return first_line[: SUBJECT_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


@transaction.atomic
def open311_request_submit(
    *,
    requester: Person,
    service: Service,
    answers: Mapping[str, Any],
    description: str = "",
    location: Location | None = None,
    media_url: str = "",
    integration: Integration | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Request:
    """File a request that came in through Open311 like any other (routing, SLA clocks,
    notifications), on the open311 channel, and record which integration sent it."""
    moment = clock.resolve(now)
    request = request_submit(
        requester=requester,
        service=service,
        answers=answers,
        subject=subject_from(description),
        description=description,
        channel=Channel.OPEN311,
        location=location,
        idempotency_key=idempotency_key,
        now=moment,
    )
    # A retry with the same Idempotency-Key returns the first request, already recorded.
    Submission.objects.get_or_create(
        request=request,
        defaults={"integration": integration, "media_url": media_url, "created_at": moment},
    )
    return request


def _reply_body(description: str, media_url: str) -> str:
    """The reply as the team reads it: a comment's media is a link under its words (the
    request page shows the reply's text, and a link left out of it would be lost to them)."""
    return "\n\n".join(part for part in (description, media_url) if part)


@transaction.atomic
def open311_update_post(
    *,
    request: Request,
    author: Person,
    client_update_id: str,
    description: str,
    status: str = "",
    client_status: str = "",
    client_datetime: datetime | None = None,
    media_url: str = "",
    integration: Integration | None = None,
    now: datetime | None = None,
) -> RequestEvent:
    """A comment a client posted becomes the author's public reply, once per client update id.

    `status` is what the client's status says ("open", "closed" or ""). The requester's side
    keeps its usual powers and no more: on a resolved request a "closed" comment confirms the
    resolution (the request closes), an "open" one reopens it, and one without a status is a
    comment (it stays resolved), as on the request page.
    A "closed" comment on a request still being worked on is a reply only: the team decides.
    A retry with the same id answers the first reply; the same id with other words is a 409.
    """
    moment = clock.resolve(now)
    # The row lock makes two deliveries of one comment wait for each other.
    request = Request.objects.select_for_update().get(pk=request.pk)
    # An integration speaks for the requester's side only (the citizen it filed for, the
    # person it is for, watchers): a comment is never posted in the team's name.
    if integration is not None and author.pk not in {p.pk for p in requester_audience(request)}:
        raise ValidationFailed(
            f"{author.display_name} is not on the requester's side of {request.number}.",
            errors={"email": ["names someone who is not on the requester's side of it"]},
        )
    if not Request.objects.visible_to(author).filter(pk=request.pk).exists():
        raise ValidationFailed(
            f"{author.display_name} may not see {request.number}.",
            errors={"email": [f"names someone who may not see {request.number}"]},
        )
    body = _reply_body(description, media_url)
    scope = {"integration": integration} if integration else {"integration": None, "poster": author}
    earlier = (
        ReceivedUpdate.objects.filter(client_update_id=client_update_id, **scope)
        .select_related("event")
        .first()
    )
    if earlier is not None:
        if earlier.event.request_id == request.pk and earlier.event.body == body.strip():
            return earlier.event
        raise Conflict(
            f"update_id {client_update_id!r} was already posted with another comment.",
            errors={"update_id": ["already used for another comment"]},
        )
    confirming = (
        status == "closed"
        and request.status == Status.RESOLVED
        and Status.CLOSED in allowed_transitions(user=author, request=request)
    )
    reopening = status == "open" and request.status == Status.RESOLVED
    event = request_reply(request=request, author=author, body=body, reopen=reopening, now=moment)
    if confirming:
        request_transition(request=request, actor=author, to_status=Status.CLOSED, now=moment)
    try:
        with transaction.atomic():
            ReceivedUpdate.objects.create(
                event=event,
                integration=integration,
                poster=author,
                client_update_id=client_update_id,
                client_status=client_status,
                client_datetime=client_datetime,
                media_url=media_url,
                created_at=moment,
            )
    except IntegrityError as exc:
        # The same id delivered for another request at the same moment: one of them wins.
        raise Conflict(
            f"update_id {client_update_id!r} was already posted.",
            errors={"update_id": ["already used for another comment"]},
        ) from exc
    return event

"""Every Open311 write: integration keys, and filing a request that came in through Open311."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.directory.models import Person
from staffdesk.open311.models import Integration, Submission
from staffdesk.requests.models import Channel, Request
from staffdesk.requests.services import Location, request_submit

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

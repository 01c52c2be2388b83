"""Every write to the directory."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from staffdesk.core import clock
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.directory.models import ApiToken, Department, Membership, Person

TOKEN_PREFIX = "sdk_"  # noqa: S105 - a public marker, not a secret


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, person: Person, name: str, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal token; returns it with its secret, which is never retrievable again."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name.", errors={"name": ["must not be empty"]})
    if len(name) > 100:
        raise ValidationFailed(
            "The token name is too long.", errors={"name": ["at most 100 characters"]}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        prefix=secret[:10],
        key_hash=_hash_token(secret),
        created_at=clock.resolve(now),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, person: Person, token_id: int, now: datetime | None = None) -> ApiToken:
    token = ApiToken.objects.visible_to(person).active().filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"No active token with id {token_id}.")
    token.revoked_at = clock.resolve(now)
    token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, secret: str, now: datetime | None = None) -> Person | None:
    """The active person a token belongs to, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("person")
        .filter(key_hash=_hash_token(secret), person__is_active=True)
        .first()
    )
    if token is None:
        return None
    moment = clock.resolve(now)
    # Only write when the stored value is stale, so a busy token does not write on every call.
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    return token.person


@transaction.atomic
def person_set_away(*, person: Person, away_until: date | None, delegate: Person | None) -> Person:
    """Set (or, with None, clear) the last day away and who takes new work meanwhile."""
    if away_until is not None and away_until < timezone.localdate(clock.now()):
        raise ValidationFailed(
            "The away-until date is in the past.",
            errors={"away_until": ["choose today or a later date"]},
        )
    if delegate is not None and delegate.pk == person.pk:
        raise ValidationFailed(
            "You cannot be your own delegate.", errors={"delegate": ["choose someone else"]}
        )
    if delegate is not None and not delegate.is_active:
        raise ValidationFailed(
            "The delegate is no longer active.", errors={"delegate": ["choose an active colleague"]}
        )
    person.away_until = away_until
    person.delegate = delegate
    person.save(update_fields=["away_until", "delegate"])
    return person


@transaction.atomic
def membership_set(*, person: Person, department: Department, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationFailed(
            f"Unknown role {role!r}.",
            errors={"role": [f"one of {', '.join(Membership.Role.values)}"]},
        )
    membership, _ = Membership.objects.update_or_create(
        person=person, department=department, defaults={"role": role}
    )
    return membership


@transaction.atomic
def department_set_lead(*, department: Department, lead: Person | None) -> Department:
    """Name the department's lead; the lead is also a lead member of its service team."""
    department.lead = lead
    department.updated_at = clock.now()
    department.save(update_fields=["lead", "updated_at"])
    if lead is not None:
        membership_set(person=lead, department=department, role=Membership.Role.LEAD)
    return department

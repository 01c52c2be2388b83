"""Every write to the directory."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from staffdesk.core import clock
from staffdesk.core.compiled import Slots, run_compiled
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


# How often a token's `last_used_at` is written: a busy token does not write on every call.
TOKEN_USE_RECORDED_EVERY = timedelta(minutes=1)

_PERSON_COLUMNS = [field.attname for field in Person._meta.concrete_fields]
_DEPARTMENT_COLUMNS = [field.attname for field in Department._meta.concrete_fields]


# The token check runs on every API call: one statement on the unique hash, with the person
# and their department, compiled once. A revoked token or a deactivated person is refused
# by the next call, in any process, since every call reads the row.
def _active_token(slots: Slots) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.active()
        .filter(key_hash=slots.text("key_hash"), person__is_active=True)
        .order_by()
        .values_list(
            "pk",
            "last_used_at",
            *(f"person__{column}" for column in _PERSON_COLUMNS),
            *(f"person__department__{column}" for column in _DEPARTMENT_COLUMNS),
        )
    )


def _person_from(values: Sequence[Any], *, using: str) -> Person:
    """The person (with their department, as `select_related` gives it) from the token's row."""
    people = len(_PERSON_COLUMNS)
    person = Person.from_db(using, _PERSON_COLUMNS, values[:people])
    department_values = values[people:]
    person.department = (
        None
        if person.department_id is None
        else Department.from_db(using, _DEPARTMENT_COLUMNS, department_values)
    )
    return person


def api_token_authenticate(*, secret: str, now: datetime | None = None) -> Person | None:
    """The active person a token belongs to, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    rows = run_compiled("active-token", _active_token, {"key_hash": _hash_token(secret)})
    if not rows:
        return None
    token_id, last_used_at, *person_values = rows[0]
    moment = clock.resolve(now)
    stale = moment - TOKEN_USE_RECORDED_EVERY
    if last_used_at is None or last_used_at < stale:
        # Conditional, so calls in several processes at once record it once.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token_id
        ).update(last_used_at=moment)
    return _person_from(person_values, using=DEFAULT_DB_ALIAS)


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

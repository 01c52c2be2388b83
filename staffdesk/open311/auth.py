"""Who an Open311 call comes from: the `api_key` is a person's API token or an integration's key."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from staffdesk.core.errors import PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.directory.services import api_token_authenticate
from staffdesk.open311.models import Integration
from staffdesk.open311.selectors import person_by_email
from staffdesk.open311.services import integration_authenticate


@dataclass(frozen=True)
class Caller:
    """A person (their own key), an integration (its key), or nobody (no key)."""

    person: Person | None = None
    integration: Integration | None = None

    @property
    def has_key(self) -> bool:
        return self.person is not None or self.integration is not None

    @property
    def reader(self) -> Person | AnonymousUser:
        """Whose eyes reads use: the person's; an integration reads what anybody may."""
        return self.person or AnonymousUser()


def caller_identify(api_key: str) -> Caller:
    """No key is nobody; a key that matches no active token or integration is refused (403)."""
    api_key = api_key.strip()
    if not api_key:
        return Caller()
    person = api_token_authenticate(secret=api_key)
    if person is not None:
        return Caller(person=person)
    integration = integration_authenticate(secret=api_key)
    if integration is not None:
        return Caller(integration=integration)
    raise PermissionDenied(
        "Invalid api_key: it is not an active personal API token or integration key.",
        errors={"api_key": ["not an active personal API token or integration key"]},
    )


def requester_of(caller: Caller, *, email: str) -> Person:
    """The person a request is filed for: the key's owner, or the person an integration names.

    A personal key files for its owner whatever `email` says (the directory knows the
    address); an integration must name an active employee by `email`.
    """
    if caller.person is not None:
        return caller.person
    if caller.integration is None:
        raise PermissionDenied(
            "api_key is required to file a request: a personal API token or an integration key.",
            errors={"api_key": ["required to file a request"]},
        )
    email = email.strip()
    if not email:
        raise ValidationFailed(
            "email is required: an integration files for the employee it names by email.",
            errors={"email": ["required with an integration's api_key"]},
        )
    people = list(person_by_email(email=email)[:2])
    if len(people) != 1:
        problem = "no active employee has" if not people else "more than one employee has"
        raise ValidationFailed(
            f"email: {problem} the address {email!r}.", errors={"email": [f"{problem} it"]}
        )
    return people[0]

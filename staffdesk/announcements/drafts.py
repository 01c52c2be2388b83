"""What a publisher or a team writes, as the adapters hand it to the services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from staffdesk.catalog.models import Service
from staffdesk.directory.models import Department, Person


@dataclass(frozen=True)
class Audience:
    """One part of an audience, as the adapters read it from the form or the payload."""

    kind: str
    department: Department | None = None
    include_subdepartments: bool = False
    role: str = ""
    person: Person | None = None


@dataclass(frozen=True)
class Draft:
    """What the publisher writes; the same for a new announcement and an edit."""

    title: str
    body: str
    audience: Sequence[Audience]
    ack_required: bool = False
    ack_due_on: date | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class NoticeDraft:
    kind: str
    title: str
    message: str
    services: Sequence[Service]
    starts_at: datetime | None = None
    expected_end_at: datetime | None = None

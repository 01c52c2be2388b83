"""The demo city's escalation policies: one ladder for every department that serves others."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from staffdesk.config.demo.agreements import DAY, HOUR
from staffdesk.config.demo.organization import Organization
from staffdesk.escalation.models import Level, Policy

# What happens when a request is late, step by step (business minutes of the calendar).
LADDER: list[dict[str, Any]] = [
    {
        "name": "Point person",
        "trigger": "share",
        "clock": "response",
        "share_percent": 75,
        "notify_point_person": True,
    },
    {
        "name": "Backup takes over",
        "trigger": "breach",
        "clock": "response",
        "notify_backup": True,
        "reassign_to_backup": True,
    },
    {
        "name": "Department lead",
        "trigger": "breach",
        "clock": "resolution",
        "notify_lead": True,
    },
    {
        "name": "Lead's manager",
        "trigger": "after_breach",
        "clock": "resolution",
        "business_minutes": 4 * HOUR,
        "notify_lead_manager": True,
        "raise_priority": True,
    },
    {
        "name": "Department lead, after a silent day",
        "trigger": "silence",
        "clock": "activity",
        "business_minutes": DAY,
        "notify_lead": True,
    },
]


def escalation_policies_create(
    *, organization: Organization, established_at: datetime
) -> list[Policy]:
    """The ladder above for each department with a service team."""
    policies = [
        Policy(
            name=f"{organization.departments[code].name} escalation",
            department=organization.departments[code],
            created_at=established_at,
            updated_at=established_at,
        )
        for code in organization.team
    ]
    Policy.objects.bulk_create(policies)
    Level.objects.bulk_create(
        Level(policy=policy, position=position, **step)
        for policy in policies
        for position, step in enumerate(LADDER, start=1)
    )
    return policies

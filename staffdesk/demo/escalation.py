"""The demo city's escalation policies: the ladder of `data/escalation.toml` for every
department that serves others."""

from __future__ import annotations

from datetime import datetime

from staffdesk.demo import data
from staffdesk.demo.organization import Organization
from staffdesk.escalation.models import Level, Policy


def escalation_policies_create(
    *, organization: Organization, established_at: datetime
) -> list[Policy]:
    """The ladder for each department with a service team."""
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
    ladder = data.ladder()
    Level.objects.bulk_create(
        Level(policy=policy, position=position, **step)
        for policy in policies
        for position, step in enumerate(ladder, start=1)
    )
    return policies

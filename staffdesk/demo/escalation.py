"""The demo city's escalation policies (the ladder of `data/escalation.toml`) and resolution
codes (`data/resolutions.toml`) for every department that serves others."""

from __future__ import annotations

from datetime import datetime

from staffdesk.demo import data
from staffdesk.demo.organization import Organization
from staffdesk.escalation.models import Level, Policy
from staffdesk.requests.models import ResolutionCode


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


def resolution_codes_create(*, organization: Organization) -> list[ResolutionCode]:
    """The same codes for each department with a service team."""
    return ResolutionCode.objects.bulk_create(
        ResolutionCode(department=organization.departments[code], position=position, **entry)
        for code in organization.team
        for position, entry in enumerate(data.resolution_codes(), start=1)
    )

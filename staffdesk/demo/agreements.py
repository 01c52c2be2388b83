"""The demo city's service level agreements, from `data/agreements.toml`: one business
calendar, an organization default and one promise per providing department."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from staffdesk.demo import data
from staffdesk.demo.organization import Organization
from staffdesk.sla.models import Agreement
from staffdesk.sla.services import (
    agreement_activate,
    agreement_create,
    agreement_set_targets,
    calendar_create,
)


def agreements_create(*, organization: Organization, established_at: datetime) -> list[Agreement]:
    """The city business calendar and the active agreements."""
    hours = data.calendar()
    calendar = calendar_create(
        name=hours.name,
        time_zone=hours.time_zone,
        holiday_country=hours.holiday_country,
        holiday_subdivision=hours.holiday_subdivision,
        intervals=[(weekday, hours.opens, hours.closes) for weekday in hours.weekdays],
        now=established_at,
    )
    start = timezone.localdate(established_at)
    created = []
    fallback = data.default_agreement()
    default = agreement_create(
        name=fallback["name"],
        provider=organization.departments[fallback["provider"]],
        calendar=calendar,
        effective_from=start,
        is_organization_default=True,
        provider_commitments=fallback["provider_commitments"],
        now=established_at,
    )
    agreement_set_targets(agreement=default, targets=fallback["targets"], now=established_at)
    created.append(agreement_activate(agreement=default, now=established_at))
    for promise in data.promises():
        department = organization.departments[promise.provider]
        agreement = agreement_create(
            name=f"{department.name} for all departments",
            provider=department,
            calendar=calendar,
            effective_from=start,
            point_person=department.lead,
            provider_commitments=promise.provides,
            customer_commitments=promise.expects,
            now=established_at,
        )
        agreement_set_targets(agreement=agreement, targets=promise.targets, now=established_at)
        created.append(agreement_activate(agreement=agreement, now=established_at))
    return created

"""The demo city's service level agreements: one business calendar, one promise per provider."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from staffdesk.config.demo.organization import Organization
from staffdesk.sla.models import Agreement
from staffdesk.sla.services import (
    agreement_activate,
    agreement_create,
    agreement_set_targets,
    calendar_create,
)

HOUR = 60
DAY = 9 * HOUR  # one business day of the calendar below

# Provider -> (first response, resolution) in business minutes for P1..P4, and what each
# side promises. IT answers fastest; Law and Procurement take longer but say why.
PROMISES: dict[str, tuple[dict[int, tuple[int, int]], str, str]] = {
    "IT": (
        {1: (30, 4 * HOUR), 2: (2 * HOUR, DAY), 3: (4 * HOUR, 3 * DAY), 4: (DAY, 5 * DAY)},
        "IT answers every request within the targets and names who is on it.",
        "Requests name the asset tag or the account concerned.",
    ),
    "HR": (
        {1: (HOUR, DAY), 2: (4 * HOUR, 2 * DAY), 3: (DAY, 5 * DAY), 4: (2 * DAY, 10 * DAY)},
        "HR keeps personnel matters confidential and answers within the targets.",
        "Requests come from the employee concerned or their lead.",
    ),
    "FIN": (
        {1: (2 * HOUR, DAY), 2: (4 * HOUR, 3 * DAY), 3: (DAY, 5 * DAY), 4: (2 * DAY, 10 * DAY)},
        "Finance pays approved invoices within the resolution target.",
        "Invoices arrive approved, with a purchase order number.",
    ),
    "PROC": (
        {1: (2 * HOUR, 2 * DAY), 2: (DAY, 5 * DAY), 3: (DAY, 10 * DAY), 4: (2 * DAY, 20 * DAY)},
        "Procurement places orders within the resolution target.",
        "Purchase requests arrive with a quote and a budget code.",
    ),
    "FAC": (
        {1: (HOUR, 4 * HOUR), 2: (4 * HOUR, 2 * DAY), 3: (DAY, 5 * DAY), 4: (2 * DAY, 15 * DAY)},
        "Facilities makes buildings safe first, then fixes.",
        "Requests give the building and the room.",
    ),
    "LAW": (
        {1: (2 * HOUR, 2 * DAY), 2: (DAY, 5 * DAY), 3: (2 * DAY, 10 * DAY), 4: (3 * DAY, 20 * DAY)},
        "The Law Department advises within the targets, in confidence.",
        "Contracts arrive as editable documents with the counterparty named.",
    ),
    "FLEET": (
        {1: (HOUR, DAY), 2: (4 * HOUR, 3 * DAY), 3: (DAY, 5 * DAY), 4: (2 * DAY, 10 * DAY)},
        "Fleet Management keeps a pool car available for urgent needs.",
        "Vehicle requests give dates, times and the driver's licence class.",
    ),
    "WATER": (
        {1: (HOUR, DAY), 2: (4 * HOUR, 3 * DAY), 3: (DAY, 5 * DAY), 4: (2 * DAY, 10 * DAY)},
        "The Water Department answers internal requests within the targets.",
        "Requests give the address or the asset number.",
    ),
}
DEFAULT_TARGETS = {
    1: (2 * HOUR, 2 * DAY),
    2: (DAY, 5 * DAY),
    3: (2 * DAY, 10 * DAY),
    4: (3 * DAY, 20 * DAY),
}


def agreements_create(*, organization: Organization, established_at: datetime) -> list[Agreement]:
    """A city business calendar (New York time, US-PA holidays) and active agreements."""
    calendar = calendar_create(
        name="City business hours",
        time_zone="America/New_York",
        holiday_country="US",
        holiday_subdivision="PA",
        intervals=[(weekday, time(8), time(17)) for weekday in range(5)],
        now=established_at,
    )
    start = timezone.localdate(established_at)
    created = []
    default = agreement_create(
        name="City-wide default",
        provider=organization.departments["MAYOR"],
        calendar=calendar,
        effective_from=start,
        is_organization_default=True,
        provider_commitments="Every department answers within these targets unless it has "
        "its own agreement.",
        now=established_at,
    )
    agreement_set_targets(agreement=default, targets=DEFAULT_TARGETS, now=established_at)
    created.append(agreement_activate(agreement=default, now=established_at))
    for code, (targets, provides, expects) in PROMISES.items():
        department = organization.departments[code]
        agreement = agreement_create(
            name=f"{department.name} for all departments",
            provider=department,
            calendar=calendar,
            effective_from=start,
            point_person=department.lead,
            provider_commitments=provides,
            customer_commitments=expects,
            now=established_at,
        )
        agreement_set_targets(agreement=agreement, targets=targets, now=established_at)
        created.append(agreement_activate(agreement=agreement, now=established_at))
    return created

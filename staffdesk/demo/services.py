"""The demo organization: a small city government with 90 days of requests, generated from
the data files through the real services so that everything in it is consistent.

Used by `staffdesk demo` (and so by `make run`). All randomness comes from one generator
seeded with `seed`: two runs with the same seed on the same day give the same city (the
history is anchored on the current time, so its dates follow the calendar).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import Conflict
from staffdesk.demo import data
from staffdesk.demo.agreements import agreements_create
from staffdesk.demo.announcements import announcements_create, broadcasts_catch_up
from staffdesk.demo.catalog import catalog_create
from staffdesk.demo.clock import WorkingClock
from staffdesk.demo.escalation import escalation_policies_create, resolution_codes_create
from staffdesk.demo.feedback import suggestions_create, surveys_catch_up
from staffdesk.demo.history import History, history_create
from staffdesk.demo.organization import Organization, organization_create
from staffdesk.directory.models import Department, Person
from staffdesk.escalation.services import escalation_tick
from staffdesk.notifications.models import Notification
from staffdesk.notifications.services import notification_skip_email_until
from staffdesk.requests.sla.tick import sla_tick

DEFAULT_SEED = 7
HISTORY_DAYS = 90


SIGN_INS = data.sign_ins()


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo generated."""

    departments: int
    people: int
    services: int
    requests: int
    notifications: int


def organization_exists() -> bool:
    """Whether the database already has an organization the demo must not be mixed into."""
    return Department.objects.exists()


def sign_ins_exist() -> bool:
    """Whether the well-known demo accounts are there (a real organization has none)."""
    usernames = [sign_in.username for sign_in in SIGN_INS]
    return Person.objects.filter(username__in=usernames).count() == len(usernames)


def demo_create(*, seed: int = DEFAULT_SEED, now: datetime | None = None) -> DemoSummary:
    """Generate the demo city into an empty database, then bring its clocks to the present.

    The city and its history are written all at once or, on any error, not at all. The
    ticks that follow run in their own transactions, as a worker's do: should one fail, the
    city is whole and the worker's next tick does what it left.
    """
    moment = clock.resolve(now)
    organization, history = _city_create(seed=seed, moment=moment)
    # The surveys the history's resolutions scheduled: opened when they fell due (in their own
    # transactions, as the worker's), some rated and followed up; before the clocks are
    # brought to the present, since a follow-up is a note or a reply of the team.
    surveys_catch_up(
        organization=organization,
        clock=WorkingClock(now=moment, days=HISTORY_DAYS),
        rng=random.Random(seed),
    )
    # Bring every clock to the present: at risk and breached as of now, not of the last event;
    # and fire the escalation levels that fell due during the history, as a worker starting
    # now would (the history was played without one).
    sla_tick(now=moment)
    escalation_tick(now=moment)
    # The news and notices of the history: their audiences told when it happened.
    broadcasts_catch_up(now=moment)
    # The history's notifications stay in-app; mailing them when the server starts would
    # send everyone a few hundred messages about the past.
    notification_skip_email_until(cutoff=max(clock.now(), moment))
    return DemoSummary(
        departments=len(organization.departments),
        people=len(organization.people),
        services=Service.objects.count(),
        requests=len(history.requests),
        notifications=Notification.objects.count(),
    )


@transaction.atomic
def _city_create(*, seed: int, moment: datetime) -> tuple[Organization, History]:
    """The organization, its catalog, agreements and ladders, the history played on them, and
    its news and service notices."""
    if organization_exists():
        raise Conflict("The database already has departments; the demo fills only an empty one.")
    rng = random.Random(seed)
    # The organization and its catalog predate the history that uses them.
    established_at = moment - timedelta(days=HISTORY_DAYS + 1)
    organization = organization_create(
        rng=rng, today=timezone.localdate(moment), established_at=established_at
    )
    catalog = catalog_create(organization=organization, established_at=established_at)
    agreements_create(organization=organization, established_at=established_at)
    escalation_policies_create(organization=organization, established_at=established_at)
    resolution_codes_create(organization=organization)
    working_clock = WorkingClock(now=moment, days=HISTORY_DAYS)
    history = history_create(
        rng=rng, organization=organization, catalog=catalog, clock=working_clock
    )
    announcements_create(organization=organization, catalog=catalog, clock=working_clock)
    suggestions_create(organization=organization, clock=working_clock)
    return organization, history

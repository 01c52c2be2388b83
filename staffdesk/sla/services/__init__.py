"""Every write to calendars and agreements: keyword-only, typed, in a transaction."""

from staffdesk.sla.services.agreements import (
    agreement_activate,
    agreement_create,
    agreement_expire,
    agreement_set_targets,
)
from staffdesk.sla.services.calendars import (
    calendar_create,
    closure_add,
    closure_remove,
    working_intervals_set,
)

__all__ = [
    "agreement_activate",
    "agreement_create",
    "agreement_expire",
    "agreement_set_targets",
    "calendar_create",
    "closure_add",
    "closure_remove",
    "working_intervals_set",
]

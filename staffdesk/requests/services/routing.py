"""Who a new request goes to."""

from __future__ import annotations

from datetime import date

from staffdesk.catalog.models import Service
from staffdesk.directory.models import Membership, Person


def route_assignee(*, service: Service, on: date) -> Person | None:
    """The service's point person; when away, their delegate; else the backup; else nobody.

    Only active members of the providing team who are not away themselves can receive work,
    so a delegate from another department (who could not see the case) is passed over.
    """
    team = set(
        Membership.objects.filter(department_id=service.department_id).values_list(
            "person_id", flat=True
        )
    )

    def available(person: Person | None) -> bool:
        return (
            person is not None and person.is_active and person.pk in team and not person.is_away(on)
        )

    point = service.point_person
    if available(point):
        return point
    if point is not None and point.is_away(on) and available(point.delegate):
        return point.delegate
    if available(service.backup):
        return service.backup
    return None

"""The catalog's badge beside a service with a current notice ("Outage", "Degraded service")."""

from __future__ import annotations

from django.urls import reverse

from staffdesk.announcements.models import ServiceNotice
from staffdesk.announcements.selectors import notices_for_services
from staffdesk.catalog.badges import Badge
from staffdesk.directory.types import Viewer

TONES = {
    ServiceNotice.Kind.OUTAGE: "danger",
    ServiceNotice.Kind.DEGRADED: "warning",
    ServiceNotice.Kind.MAINTENANCE: "info",
    ServiceNotice.Kind.INFORMATION: "secondary",
}


def notice_badges(*, user: Viewer, service_ids: set[int]) -> dict[int, list[Badge]]:
    return {
        service_id: [
            Badge(
                label=notice.get_kind_display(),
                tone=TONES[ServiceNotice.Kind(notice.kind)],
                url=reverse("announcements:notice", args=[notice.pk]),
                title=notice.title,
            )
            for notice in notices
        ]
        for service_id, notices in notices_for_services(user=user, service_ids=service_ids).items()
    }

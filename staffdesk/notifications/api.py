"""REST endpoints of my in-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Query, Router, Status

from staffdesk.core.types import Id
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.notifications import selectors, services
from staffdesk.notifications.models import Notification
from staffdesk.notifications.schemas import NotificationOut

router = Router(tags=["notifications"])


@router.get(
    "/me/notifications",
    response=list[NotificationOut],
    summary="My latest notifications (at most 100)",
)
def notification_list(
    request: AuthenticatedHttpRequest, unread: Query[bool] = False
) -> QuerySet[Notification]:
    return selectors.notification_list(user=request.user, unread_only=unread)[:100]


@router.post(
    "/me/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one notification read",
)
def notification_read(request: AuthenticatedHttpRequest, notification_id: Id) -> Notification:
    return services.notification_mark_read(user=request.user, notification_id=notification_id)


@router.post("/me/notifications/read", response={204: None}, summary="Mark all read")
def notification_read_all(request: AuthenticatedHttpRequest) -> Status[None]:
    services.notification_mark_all_read(user=request.user)
    return Status(204, None)

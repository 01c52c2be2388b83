"""What every page's navigation needs: the unread count and whether to show the queue."""

from __future__ import annotations

from django.http import HttpRequest

from staffdesk.directory.selectors import is_org_admin, team_roles
from staffdesk.notifications.selectors import unread_count


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_unread": unread_count(user=user),
        "nav_is_agent": bool(team_roles(user)),
        "nav_is_admin": is_org_admin(user),
    }

"""The REST API v1: one NinjaAPI gathering each app's router."""

from __future__ import annotations

from ninja import NinjaAPI

from staffdesk import __version__
from staffdesk.announcements.api import notices as notices_router
from staffdesk.announcements.api import router as announcements_router
from staffdesk.catalog.api import router as catalog_router
from staffdesk.core.api import install_error_handlers
from staffdesk.directory.api import router as directory_router
from staffdesk.directory.auth import API_AUTH
from staffdesk.escalation.api import router as escalation_router
from staffdesk.feedback import api as feedback_api
from staffdesk.notifications.api import router as notifications_router
from staffdesk.requests.api import router as requests_router

api = NinjaAPI(
    title="staffdesk API",
    version=f"v1 ({__version__})",
    description="The internal service desk of the organization: directory, catalog, requests "
    "and their escalation.",
    auth=API_AUTH,
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("", directory_router)
api.add_router("", catalog_router)
api.add_router("", requests_router)
api.add_router("", escalation_router)
api.add_router("", notifications_router)
api.add_router("", announcements_router)
api.add_router("", notices_router)
api.add_router("", feedback_api.surveys)
api.add_router("", feedback_api.suggestions)

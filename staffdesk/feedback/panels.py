"""The satisfaction section of the request page, added through `requests.panels` (apps.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from staffdesk.directory.types import Viewer
from staffdesk.requests.models import Request
from staffdesk.requests.panels import Panel
from staffdesk.requests.read import TimelineEntry


def rating_panel(
    *, user: Viewer, request: Request, now: datetime, timeline: Sequence[TimelineEntry]
) -> Panel | None:
    return None

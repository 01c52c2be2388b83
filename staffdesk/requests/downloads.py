"""Serving a stored attachment safely: always a download, never rendered by the browser."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse

from staffdesk.requests.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(
        default_storage.open(attachment.storage_name, "rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

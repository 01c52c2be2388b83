"""Filing a request together with its files, as the web form does: all of it or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from staffdesk.announcements.models import ServiceNotice
from staffdesk.catalog.answers import answers_validate
from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.requests.models import Channel, Request
from staffdesk.requests.services.attachments import (
    attachment_add,
    stored_files_dropped_on_failure,
)
from staffdesk.requests.services.submit import request_submit_commit, request_submit_prepare


def _file_errors(files: Sequence[UploadedFile]) -> list[str]:
    if len(files) > (most := settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE):
        return [
            f"{len(files)} files: at most {most} go with one request (choose fewer, or one .zip)"
        ]
    limit = settings.STAFFDESK_MAX_ATTACHMENT_BYTES
    errors = []
    for upload in files:
        if not upload.size:
            errors.append(f"{upload.name}: the file is empty")
        elif upload.size > limit:
            errors.append(f"{upload.name}: {upload.size:,} bytes; the limit is {limit:,} bytes")
    return errors


def request_submit_with_files(
    *,
    requester: Person,
    service: Service,
    answers: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    subject: str = "",
    description: str = "",
    priority: int | None = None,
    urgency: str = "",
    on_behalf_of: Person | None = None,
    channel: str = Channel.WEB,
    notice: ServiceNotice | None = None,
    now: datetime | None = None,
) -> Request:
    """File a request and attach its files in one transaction, so a refused file leaves no request.

    Sizes are checked before anything is written or stored; a bad file is reported together
    with any answers that need fixing, so the person fixes everything in one go.
    """
    moment = clock.resolve(now)
    if file_errors := _file_errors(files):
        errors = {"file": file_errors}
        try:
            answers_validate(
                fields=service.fields.all(), answers=answers, user=requester, now=moment
            )
        except ValidationFailed as exc:
            errors = exc.errors | errors
        raise ValidationFailed(
            "Some files cannot be attached: " + "; ".join(file_errors), errors=errors
        )
    # Every read first (checks, routing, agreement), as for any filing; then one transaction
    # for the request and its files.
    filing = request_submit_prepare(
        requester=requester,
        service=service,
        answers=answers,
        subject=subject,
        description=description,
        priority=priority,
        urgency=urgency,
        on_behalf_of=on_behalf_of,
        channel=channel,
        notice=notice,
        now=moment,
    )
    with stored_files_dropped_on_failure() as dropped, transaction.atomic():
        request = request_submit_commit(filing)
        for upload in files:
            attachment = attachment_add(
                request=request,
                uploader=requester,
                upload=upload,
                filename=upload.name or "",
                now=moment,
            )
            dropped.append(attachment.storage_name)
    return request

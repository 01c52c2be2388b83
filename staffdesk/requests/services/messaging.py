"""Replies, notes and uploads with several files, as the request page sends them: all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.requests.models import Attachment, Request, RequestEvent
from staffdesk.requests.services.attachments import (
    attachment_add,
    attachment_count_check,
    stored_files_dropped_on_failure,
)
from staffdesk.requests.services.conversation import request_add_note, request_reply


def _store(
    dropped: list[str],
    *,
    request: Request,
    uploader: Person,
    files: Sequence[UploadedFile],
    is_internal: bool,
    now: datetime,
) -> list[Attachment]:
    """Attach each file, naming its stored bytes in `dropped` (from
    `stored_files_dropped_on_failure`), so a later failure removes them with the rows."""
    attached = []
    for upload in files:
        attachment = attachment_add(
            request=request,
            uploader=uploader,
            upload=upload,
            filename=upload.name or "",
            is_internal=is_internal,
            now=now,
        )
        dropped.append(attachment.storage_name)
        attached.append(attachment)
    return attached


@transaction.atomic
def attachment_add_many(
    *,
    request: Request,
    uploader: Person,
    files: Sequence[UploadedFile],
    is_internal: bool = False,
    now: datetime | None = None,
) -> list[Attachment]:
    """Add several files at once; one refused file (too large, empty...) adds none."""
    if not files:
        raise ValidationFailed("Choose at least one file.", errors={"file": ["no file chosen"]})
    attachment_count_check(len(files))
    with stored_files_dropped_on_failure() as dropped:
        return _store(
            dropped,
            request=request,
            uploader=uploader,
            files=files,
            is_internal=is_internal,
            now=clock.resolve(now),
        )


@transaction.atomic
def request_message_post(
    *,
    request: Request,
    author: Person,
    body: str,
    files: Sequence[UploadedFile] = (),
    internal: bool = False,
    reopen: bool = False,
    now: datetime | None = None,
) -> RequestEvent:
    """A public reply (`reopen`: and reopen the resolved request), or with `internal` a note for
    the team, with the files sent along.

    The files go on the timeline just before the message and belong to it; a refused
    message (empty, too long, not the author's to write) keeps none of them.
    """
    moment = clock.resolve(now)
    attachment_count_check(len(files))
    with stored_files_dropped_on_failure() as dropped:
        stored = _store(
            dropped, request=request, uploader=author, files=files, is_internal=internal, now=moment
        )
        attachment_ids = [attachment.pk for attachment in stored]
        if internal:
            message = request_add_note(
                request=request, author=author, body=body, attachment_ids=attachment_ids, now=moment
            )
        else:
            message = request_reply(
                request=request,
                author=author,
                body=body,
                attachment_ids=attachment_ids,
                reopen=reopen,
                now=moment,
            )
    return message

"""Storing files on requests."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from staffdesk.core import clock
from staffdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.requests.models import Attachment, Request, RequestEvent
from staffdesk.requests.selectors import can_work_on

FILENAME_MAX = 255


def _sniff(head: bytes) -> str:
    """The content type the bytes say they are, never what the uploader claims."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


@contextmanager
def stored_files_dropped_on_failure() -> Iterator[list[str]]:
    """A list to put the storage names of saved files in: should the block fail, its rows
    roll back with the transaction and these files are deleted, so no bytes outlive them."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def attachment_count_check(count: int, *, field: str = "file") -> None:
    """Refuse more files than one message takes (STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE)."""
    limit = settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE
    if count > limit:
        raise ValidationFailed(
            f"{count} files were sent; at most {limit} go with one message or request. "
            "Send the rest in a later reply, or put them in one archive (.zip).",
            errors={field: [f"{count} files: at most {limit} at a time"]},
        )


def attachment_upload_check(*, files: Sequence[File]) -> None:
    """The API takes one file per upload; a message then names up to the limit of them."""
    if len(files) > 1:
        limit = settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE
        raise ValidationFailed(
            f"{len(files)} files were sent; this endpoint takes one file (field `file`) per "
            f"call, and a reply or note takes up to {limit} of your uploads (attachment_ids).",
            errors={"file": [f"{len(files)} files: one per call"]},
        )


def _clean_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return name[:FILENAME_MAX] or "attachment"


@transaction.atomic
def attachment_add(
    *,
    request: Request,
    uploader: Person,
    upload: File,
    filename: str,
    is_internal: bool = False,
    now: datetime | None = None,
) -> Attachment:
    """Store an uploaded file under a generated name and record it on the timeline."""
    moment = clock.resolve(now)
    limit = settings.STAFFDESK_MAX_ATTACHMENT_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            f"The file is too large ({upload.size or 0:,} bytes; the limit is {limit:,}).",
            errors={"file": [f"at most {limit:,} bytes"]},
        )
    if upload.size == 0:
        raise ValidationFailed("The file is empty.", errors={"file": ["empty file"]})
    if is_internal and not can_work_on(uploader, request):
        raise PermissionDenied("Only the providing team can add internal attachments.")
    if request.is_finished:
        raise Conflict(f"{request.number} is {request.status}; it takes no more files.")
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    clean_name = _clean_filename(filename)
    with stored_files_dropped_on_failure() as stored, transaction.atomic():
        storage_name = default_storage.save(
            f"attachments/{moment:%Y/%m}/{uuid.uuid4().hex}", upload
        )
        stored.append(storage_name)
        event = RequestEvent.objects.create(
            request=request,
            kind=RequestEvent.Kind.ATTACHMENT,
            actor=uploader,
            created_at=moment,
            is_internal=is_internal,
            data={"filename": clean_name, "size": upload.size},
        )
        attachment = Attachment.objects.create(
            request=request,
            event=event,
            uploaded_by=uploader,
            filename=clean_name,
            storage_name=storage_name,
            content_type=_sniff(head),
            size=upload.size,
            sha256=digest.hexdigest(),
            is_internal=is_internal,
            created_at=moment,
        )
        event.data["attachment"] = attachment.pk
        event.save(update_fields=["data"])
    return attachment

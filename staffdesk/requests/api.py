"""REST endpoints of requests: thin adapters over the selectors and services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from staffdesk.core import clock
from staffdesk.core.api import PageIn
from staffdesk.core.errors import ValidationFailed
from staffdesk.core.types import Id, String
from staffdesk.directory.selectors import access_person
from staffdesk.directory.types import AuthenticatedHttpRequest
from staffdesk.requests import compiled_reads, read, selectors, services
from staffdesk.requests.downloads import attachment_response
from staffdesk.requests.models import Attachment, Channel, Priority, RequestEvent, Watcher
from staffdesk.requests.schemas import (
    AssignIn,
    AttachmentOut,
    EventOut,
    MessageIn,
    PriorityIn,
    ReplyIn,
    RequestCountsOut,
    RequestCreateIn,
    RequestDetailOut,
    RequestPageOut,
    TransitionIn,
    WatcherIn,
    WatcherOut,
)

router = Router(tags=["requests"])


def _detail(request: AuthenticatedHttpRequest, number: String) -> read.RequestDetail:
    """The request with what its detail shows this user: timeline, watchers, allowed moves."""
    return read.request_detail(user=request.user, number=number, now=clock.now())


@router.post("/requests", response={201: RequestDetailOut}, summary="File a request")
def request_create(
    request: AuthenticatedHttpRequest, payload: RequestCreateIn
) -> Status[read.RequestDetail]:
    """Send `Idempotency-Key` to make retries safe: the same key and body return the same request."""
    service = selectors.service_for_filing(user=request.user, code=payload.service)
    on_behalf_of = (
        access_person(user=request.user, person_id=payload.on_behalf_of_id)
        if payload.on_behalf_of_id is not None
        else None
    )
    if payload.priority == Priority.P1 and not selectors.can_file_critical(
        user=request.user, service=service
    ):
        raise ValidationFailed(
            "Critical priority is the providing team's call: say how urgent it is for you "
            "with urgency (blocking, slowing or whenever) instead.",
            errors={"priority": ["1 (critical) is set by the providing team"]},
        )
    filing = services.request_submit_prepare(
        requester=request.user,
        service=service,
        subject=payload.subject,
        description=payload.description,
        answers=payload.answers,
        priority=payload.priority,
        urgency=payload.urgency or "",
        on_behalf_of=on_behalf_of,
        channel=Channel.API,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
        location=services.Location(
            location=payload.location,
            latitude=payload.latitude,
            longitude=payload.longitude,
            address_id=payload.address_id,
        ),
    )
    filed = services.request_file(filing)
    if filed.replayed:  # filed before: its timeline may have grown since
        return Status(201, _detail(request, filed.request.number))
    # Answered from what filing wrote, without reading the request back.
    return Status(
        201,
        read.filed_detail(
            user=request.user, request=filed.request, events=filed.events, now=clock.now()
        ),
    )


class ListFilters(Schema):
    """`status` takes a comma-separated list; `assignee` a person id, `me` or `none`;
    `requester` a person id or `me`; `q` searches subject, description and number."""

    status: String = ""
    service: String = ""
    department: String = ""
    assignee: String = ""
    requester: String = ""
    q: String = ""

    def to_filters(self) -> selectors.RequestFilters:
        return selectors.RequestFilters(
            status=tuple(s.strip() for s in self.status.split(",") if s.strip()),
            service=self.service,
            department=self.department,
            assignee=self.assignee,
            requester=self.requester,
            text=self.q,
        )


@router.get("/requests", response=RequestPageOut, summary="Requests I may see, newest first")
def request_list(
    request: AuthenticatedHttpRequest,
    query: Query[ListFilters],
    page_in: Query[PageIn],
) -> dict[str, object]:
    filters = query.to_filters()
    page = compiled_reads.request_page(
        user=request.user, filters=filters, cursor=page_in.cursor or None, limit=page_in.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/requests/counts", response=RequestCountsOut, summary="How many requests I may see, per status"
)
def request_counts(
    request: AuthenticatedHttpRequest, query: Query[ListFilters]
) -> dict[str, object]:
    by_status = selectors.request_counts(user=request.user, filters=query.to_filters())
    return {"total": sum(by_status.values()), "by_status": by_status}


@router.get("/requests/{number}", response=RequestDetailOut, summary="A request and its timeline")
def request_detail(request: AuthenticatedHttpRequest, number: String) -> read.RequestDetail:
    return _detail(request, number)


@router.post("/requests/{number}/replies", response={201: EventOut}, summary="Reply publicly")
def request_reply(
    request: AuthenticatedHttpRequest, number: String, payload: ReplyIn
) -> Status[RequestEvent]:
    item = selectors.access_request(user=request.user, number=number)
    event = services.request_reply(
        request=item,
        author=request.user,
        body=payload.body,
        attachment_ids=payload.attachment_ids,
        reopen=payload.reopen,
    )
    return Status(201, event)


@router.post(
    "/requests/{number}/notes",
    response={201: EventOut},
    summary="Add an internal note (providing team only)",
)
def request_note(
    request: AuthenticatedHttpRequest, number: String, payload: MessageIn
) -> Status[RequestEvent]:
    item = selectors.access_request(user=request.user, number=number)
    event = services.request_add_note(
        request=item, author=request.user, body=payload.body, attachment_ids=payload.attachment_ids
    )
    return Status(201, event)


@router.post(
    "/requests/{number}/transition", response=RequestDetailOut, summary="Change the status"
)
def request_transition(
    request: AuthenticatedHttpRequest, number: String, payload: TransitionIn
) -> read.RequestDetail:
    item = selectors.access_request(user=request.user, number=number)
    services.request_transition(
        request=item,
        actor=request.user,
        to_status=payload.status,
        note=payload.note,
        resolution_code=payload.resolution_code,
    )
    return _detail(request, number)


@router.post(
    "/requests/{number}/assign",
    response=RequestDetailOut,
    summary="Assign within the providing department",
)
def request_assign(
    request: AuthenticatedHttpRequest, number: String, payload: AssignIn
) -> read.RequestDetail:
    item = selectors.access_request(user=request.user, number=number)
    assignee = (
        access_person(user=request.user, person_id=payload.assignee_id)
        if payload.assignee_id is not None
        else None
    )
    services.request_assign(request=item, actor=request.user, assignee=assignee)
    return _detail(request, number)


@router.post(
    "/requests/{number}/priority", response=RequestDetailOut, summary="Change the priority"
)
def request_priority(
    request: AuthenticatedHttpRequest, number: String, payload: PriorityIn
) -> read.RequestDetail:
    item = selectors.access_request(user=request.user, number=number)
    services.request_set_priority(request=item, actor=request.user, priority=payload.priority)
    return _detail(request, number)


@router.get(
    "/requests/{number}/attachments", response=list[AttachmentOut], summary="Attachments I may see"
)
def attachment_list(request: AuthenticatedHttpRequest, number: String) -> QuerySet[Attachment]:
    item = selectors.access_request(user=request.user, number=number)
    return selectors.request_attachments(user=request.user, request=item)


@router.post(
    "/requests/{number}/attachments",
    response={201: AttachmentOut},
    summary="Upload a file (multipart field `file`)",
)
def attachment_upload(
    request: AuthenticatedHttpRequest,
    number: String,
    file: File[UploadedFile],
    internal: Form[bool] = False,
) -> Status[Attachment]:
    item = selectors.access_request(user=request.user, number=number)
    services.attachment_upload_check(files=request.FILES.getlist("file"))
    attachment = services.attachment_add(
        request=item,
        uploader=request.user,
        upload=file,
        filename=file.name or "attachment",
        is_internal=internal,
    )
    return Status(201, attachment)


@router.get(
    "/requests/{number}/attachments/{attachment_id}",
    summary="Download a file",
    response={200: None},
)
def attachment_download(
    request: AuthenticatedHttpRequest, number: String, attachment_id: Id
) -> FileResponse:
    item = selectors.access_request(user=request.user, number=number)
    attachment = selectors.access_attachment(
        user=request.user, request=item, attachment_id=attachment_id
    )
    return attachment_response(attachment)


@router.get("/requests/{number}/watchers", response=list[WatcherOut], summary="Who follows it")
def watcher_list(request: AuthenticatedHttpRequest, number: String) -> QuerySet[Watcher]:
    item = selectors.access_request(user=request.user, number=number)
    return selectors.request_watchers(user=request.user, request=item)


@router.post("/requests/{number}/watchers", response={201: WatcherOut}, summary="Add a watcher")
def watcher_add(
    request: AuthenticatedHttpRequest, number: String, payload: WatcherIn
) -> Status[Watcher]:
    item = selectors.access_request(user=request.user, number=number)
    person = access_person(user=request.user, person_id=payload.person_id)
    return Status(201, services.watcher_add(request=item, actor=request.user, person=person))


@router.delete(
    "/requests/{number}/watchers/{person_id}", response={204: None}, summary="Remove a watcher"
)
def watcher_remove(
    request: AuthenticatedHttpRequest, number: String, person_id: Id
) -> Status[None]:
    item = selectors.access_request(user=request.user, number=number)
    person = access_person(user=request.user, person_id=person_id)
    services.watcher_remove(request=item, actor=request.user, person=person)
    return Status(204, None)

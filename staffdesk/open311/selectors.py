"""Open311 reads, always through `visible_to`: the catalog, requests by id or by window, and the
status updates of mySociety's servicerequestupdates extension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from staffdesk.catalog.models import FormField, Service
from staffdesk.catalog.selectors import access_service, catalog_list
from staffdesk.core import clock
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.directory.types import Viewer
from staffdesk.open311.models import Integration
from staffdesk.requests.models import OPEN_STATUSES, Request, RequestEvent, Status

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
CLOSED_STATUSES = tuple(status for status in Status.values if status not in OPEN_STATUSES)
# Open311 knows two statuses; staffdesk's are grouped under them.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "closed": CLOSED_STATUSES,
}


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


def person_by_email(*, email: str) -> QuerySet[Person]:
    """Active people with this address (an integration names the requester by it)."""
    return Person.objects.filter(email__iexact=email, is_active=True).order_by("pk")


class ListedService(TypedDict):
    """What `open311_service_list` annotates each service with."""

    has_fields: bool


class StatusThen(TypedDict):
    """What `open311_update_list` annotates each update with: the status just after it."""

    status_then: str | None


def open311_service_list(*, user: Viewer) -> QuerySet[WithAnnotations[Service, ListedService]]:
    """The catalog as Open311 lists it: active services that take requests, in catalog order
    (information-only ones cannot be requested). Confidential ones are listed: people file them."""
    has_fields = FormField.objects.filter(service_id=OuterRef("pk"))
    return (
        catalog_list(user=user)
        .filter(fulfilment=Service.Fulfilment.REQUEST)
        .annotate(has_fields=Exists(has_fields))
    )


def access_open311_service(*, user: Viewer, code: str) -> Service:
    """A listed service with its form fields in form order; anything else is NotFound."""
    service = access_service(user=user, code=code)
    if not service.is_active or service.fulfilment != Service.Fulfilment.REQUEST:
        raise NotFound(f"No service with code {code!r}.")
    return service


def catalog_changeset() -> datetime:
    """When the catalog last changed (discovery's changeset): the latest service change."""
    latest = Service.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest or datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RequestQuery:
    """GET requests' filters. `ids` overrides everything else; empty values mean "any"."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()  # "open", "closed"
    page: int = 1
    page_size: int = MAX_RESULTS
    extensions: bool = False


def _window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime | None]:
    """The spec's window: at most 90 days; the last 90 days when neither end is given."""
    if start is not None and end is not None:
        if end < start:
            raise ValidationFailed(
                "end_date is before start_date.", errors={"end_date": ["before start_date"]}
            )
        if end - start > MAX_SPAN:
            raise ValidationFailed(
                "start_date and end_date may span at most 90 days.",
                errors={"end_date": ["more than 90 days after start_date"]},
            )
        return start, end
    if start is not None:
        return start, start + MAX_SPAN
    if end is not None:
        return end - MAX_SPAN, end
    return now - MAX_SPAN, None


def open311_request_list(
    *, user: Viewer, query: RequestQuery, now: datetime | None = None
) -> list[Request]:
    """The requests this user may see that match, newest first, at most one page of 1,000."""
    requests = Request.objects.visible_to(user).select_related(
        "service", "department", "open311_submission"
    )
    if query.extensions:
        replies = (
            RequestEvent.objects.visible_to(user)
            .filter(kind=RequestEvent.Kind.REPLY, is_internal=False)
            .order_by("created_at", "id")
        )
        requests = requests.prefetch_related(
            Prefetch("events", queryset=replies, to_attr="public_replies"),
            Prefetch("service__fields", queryset=FormField.objects.order_by("order", "id")),
        )
    requests = requests.order_by("-created_at", "-id")
    if query.ids:
        if len(query.ids) > MAX_RESULTS:
            raise ValidationFailed(
                f"At most {MAX_RESULTS} service_request_id values at once.",
                errors={"service_request_id": [f"more than {MAX_RESULTS} ids"]},
            )
        return list(requests.filter(number__in=[number.upper() for number in query.ids]))
    start, end = _window(query.start, query.end, clock.resolve(now))
    requests = requests.filter(created_at__gte=start)
    if end is not None:
        requests = requests.filter(created_at__lte=end)
    if query.service_codes:
        requests = requests.filter(service__code__in=query.service_codes)
    if query.statuses:
        wanted = [status for group in query.statuses for status in STATUS_GROUPS[group]]
        requests = requests.filter(status__in=wanted)
    first = (query.page - 1) * query.page_size
    return list(requests[first : first + query.page_size])


def access_open311_request(
    *, user: Viewer, service_request_id: str, extensions: bool = False
) -> Request:
    """One request this user may see; invisible and nonexistent ones are both NotFound."""
    query = RequestQuery(ids=(service_request_id,), extensions=extensions)
    found = open311_request_list(user=user, query=query)
    if not found:
        raise NotFound(f"No service request {service_request_id}.")
    return found[0]


# What servicerequestupdates reports: public replies and status changes, never internal notes
# nor the timeline's other internal events.
UPDATE_KINDS = (RequestEvent.Kind.REPLY, RequestEvent.Kind.STATUS)


@dataclass(frozen=True)
class UpdateQuery:
    """GET servicerequestupdates' window on the update's time, and paging."""

    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_RESULTS


def integration_requests(*, integration: Integration) -> QuerySet[Request]:
    """The requests an integration may follow: those it filed, except confidential cases.

    An integration is a system that may publish what it reads (FixMyStreet shows updates on
    public report pages), while a confidential case is told to its requester and team only.
    """
    return Request.objects.filter(open311_submission__integration=integration, confidential=False)


def _status_then() -> Subquery:
    """The request's status just after each event: the latest status change up to it."""
    changes = (
        RequestEvent.objects.filter(
            request_id=OuterRef("request_id"), kind=RequestEvent.Kind.STATUS
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id"))
        )
        .order_by("-created_at", "-id")
        .annotate(to=KT("data__to"))
        .values("to")[:1]
    )
    return Subquery(changes)


def open311_update_list(
    *,
    user: Viewer,
    integration: Integration | None,
    query: UpdateQuery,
    now: datetime | None = None,
) -> list[WithAnnotations[RequestEvent, StatusThen]]:
    """Public replies and status changes, oldest first, each with `status_then`.

    With an integration's key: those of the requests it filed (`integration_requests`);
    otherwise exactly the events `visible_to` the user, less the internal ones that a
    team member would see.
    """
    if integration is not None:
        events = RequestEvent.objects.filter(
            request__in=integration_requests(integration=integration)
        )
    else:
        events = RequestEvent.objects.visible_to(user)
    start, end = _window(query.start, query.end, clock.resolve(now))
    events = events.filter(kind__in=UPDATE_KINDS, is_internal=False, created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lte=end)
    events = (
        events.select_related("request", "open311_update")
        .annotate(status_then=_status_then())
        .order_by("created_at", "id")
    )
    first = (query.page - 1) * query.page_size
    return list(events[first : first + query.page_size])


def access_open311_update_target(
    *, person: Person | None, integration: Integration | None, service_request_id: str
) -> Request:
    """The request a posted comment is for: one the integration filed, or one the person may
    see. Anything else is NotFound, worded like a request that does not exist."""
    number = service_request_id.strip().upper()
    if integration is not None:
        # Writing for the person it filed for is what an integration is trusted with, so a
        # confidential case it filed takes comments (it just never reads them back).
        requests = Request.objects.filter(open311_submission__integration=integration)
    else:
        requests = Request.objects.visible_to(person or AnonymousUser())
    found = requests.filter(number=number).first()
    if found is None:
        raise NotFound(f"No service request {service_request_id}.")
    return found

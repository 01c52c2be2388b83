"""Reads of satisfaction surveys, always through `Survey.objects.visible_to(user)`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from staffdesk.catalog.models import Service
from staffdesk.core import clock
from staffdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from staffdesk.directory.models import Person
from staffdesk.directory.selectors import team_department_ids
from staffdesk.directory.types import Viewer
from staffdesk.feedback.models import Rating, Survey
from staffdesk.requests.models import Request, RequestEvent, Status

# A mail link's secret is `secrets.token_urlsafe(32)`: 43 characters. Anything much longer
# is not one of ours and is not hashed.
TOKEN_MAX = 100


def token_digest(secret: str) -> str:
    """What `token_hash` holds while a mail link can be used: the secret's SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def used_token_digest(secret: str) -> str:
    """What `token_hash` holds once the link was used: another hash of the same secret, so a
    second use is told "already used" (and where to change the rating) without the link
    working again."""
    return hashlib.sha256(f"used:{secret}".encode()).hexdigest()


def local_day_start(moment: datetime) -> datetime:
    """The start of `moment`'s day in the organization's time zone, in UTC."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = moment.astimezone(zone).date()
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def survey_list(*, user: Viewer) -> QuerySet[Survey]:
    """The surveys the user may see (their own, their team's), newest resolution first."""
    return Survey.objects.visible_to(user).select_related(
        "request", "person", "department", "service", "agent", "followed_up_by"
    )


def access_survey(*, user: Viewer, survey_id: int) -> Survey:
    survey = survey_list(user=user).filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(f"No survey {survey_id}.")
    return survey


def my_open_surveys(*, user: Viewer, now: datetime | None = None) -> QuerySet[Survey]:
    """The user's own surveys that can still be answered, those not answered yet first."""
    moment = clock.resolve(now)
    if not (user and user.is_authenticated):
        return Survey.objects.none()
    return (
        survey_list(user=user)
        .filter(person_id=user.pk, status=Survey.Status.OPEN, closes_at__gt=moment)
        .order_by(F("rating").asc(nulls_first=True), "closes_at", "pk")
    )


def request_surveys(*, user: Viewer, request: Request) -> QuerySet[Survey]:
    """The surveys of one request the user may see (the request page's panel): one query."""
    return (
        Survey.objects.visible_to(user)
        .filter(request_id=request.pk)
        .select_related("person", "followed_up_by")
        .order_by("-resolved_at", "person_id")
    )


def open_unanswered_by_request(
    *, user: Viewer, request_ids: list[int], now: datetime | None = None
) -> dict[int, int]:
    """{request id: survey id} of the user's own open, unanswered surveys of these requests."""
    moment = clock.resolve(now)
    if not request_ids or not (user and user.is_authenticated):
        return {}
    rows = (
        Survey.objects.visible_to(user)
        .filter(
            person_id=user.pk,
            request_id__in=request_ids,
            status=Survey.Status.OPEN,
            rating__isnull=True,
            closes_at__gt=moment,
        )
        .order_by("request_id", "-resolved_at")
        .values_list("request_id", "pk")
    )
    found: dict[int, int] = {}
    for request_id, survey_id in rows:
        found.setdefault(request_id, survey_id)
    return found


def survey_closed_reason(survey: Survey) -> str:
    """Why a closed survey (`Survey.is_closed`) takes no rating, in words for its person."""
    if survey.status == Survey.Status.WITHDRAWN:
        return (
            f"This survey was withdrawn: {survey.request.number} was reopened. You will get a "
            "new one when it is resolved again."
        )
    if survey.status == Survey.Status.SCHEDULED:
        return "This survey is not open yet."
    closed = timezone.localtime(survey.closes_at).strftime("%-d %B %Y") if survey.closes_at else ""
    return f"This survey closed on {closed}; its rating can no longer be given or changed."


@dataclass(frozen=True)
class TokenMatch:
    """The survey a mail link's secret belongs to; `used`: the link was used already."""

    survey: Survey
    used: bool


def survey_by_token(*, secret: str) -> TokenMatch:
    """The survey of a mail link (no sign-in: the secret is the authority), or NotFound.

    One query on the token index, for the secret still usable or already used."""
    if not secret or len(secret) > TOKEN_MAX:
        raise NotFound("This survey link is not valid.")
    live, used = token_digest(secret), used_token_digest(secret)
    survey = (
        Survey.objects.filter(token_hash__in=[live, used])
        .select_related("request", "person", "department", "service")
        .first()
    )
    if survey is None:
        raise NotFound("This survey link is not valid.")
    return TokenMatch(survey=survey, used=survey.token_hash == used)


def team_helpers(*, survey: Survey) -> list[Person]:
    """The people of the providing team who replied on the survey's request, resolved it or
    were assigned to it, as its requester's side sees the timeline (whom "thank the people
    who helped" names)."""
    Kind = RequestEvent.Kind
    events = RequestEvent.objects.visible_to(survey.person).filter(
        request_id=survey.request_id, kind__in=[Kind.REPLY, Kind.STATUS, Kind.ASSIGNMENT]
    )
    ids: list[int] = []
    for kind, actor_id, data in events.values_list("kind", "actor_id", "data"):
        data = data or {}
        if kind == Kind.REPLY and actor_id and data.get("by_team"):
            ids.append(actor_id)
        elif kind == Kind.STATUS and actor_id and data.get("to") == Status.RESOLVED:
            ids.append(actor_id)  # not of the team (a requester's own move) is dropped below
        elif kind == Kind.ASSIGNMENT and isinstance(data.get("to"), int):
            ids.append(data["to"])
    if survey.agent_id:
        ids.append(survey.agent_id)
    if not ids:
        return []
    return list(
        Person.objects.visible_to(survey.person)
        .filter(pk__in=set(ids), memberships__department_id=survey.department_id)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


# --- The team's ratings list ---------------------------------------------------------------


def may_see_ratings(user: Viewer) -> bool:
    """Providing teams (their department's ratings) and organization admins (every rating
    that is not of a confidential case)."""
    return bool(user and user.is_authenticated) and (
        user.is_superuser or bool(team_department_ids(user))
    )


@dataclass(frozen=True)
class RatingFilters:
    """The ratings list's filters; None or "" is "any". `since`/`until` are local days."""

    rating: int | None = None
    service: str = ""
    agent: int | None = None
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def rating_list(*, user: Viewer, filters: RatingFilters | None = None) -> QuerySet[Survey]:
    """The rated surveys of the user's teams (organization admins: every one they may see),
    filtered; PermissionDenied for someone on no team."""
    if not may_see_ratings(user):
        raise PermissionDenied(
            "The ratings list is for the providing teams; your own ratings are under "
            '"Rate your resolved requests".'
        )
    filters = filters or RatingFilters()
    found = survey_list(user=user).filter(rating__isnull=False)
    if not user.is_superuser:
        found = found.filter(department_id__in=sorted(team_department_ids(user)))
    if filters.rating is not None:
        if filters.rating not in Rating.values:
            raise ValidationFailed(
                "A rating is a whole number from 1 to 5.", errors={"rating": ["from 1 to 5"]}
            )
        found = found.filter(rating=filters.rating)
    if filters.service:
        service = Service.objects.visible_to(user).filter(code=filters.service).first()
        if service is None:
            raise ValidationFailed(
                f"No service with code {filters.service!r}.",
                errors={"service": [f"unknown service: {filters.service}"]},
            )
        found = found.filter(service_id=service.pk)
    if filters.agent is not None:
        found = found.filter(agent_id=filters.agent)
    if filters.since and filters.until and filters.since > filters.until:
        raise ValidationFailed(
            "The period ends before it starts: choose an end on or after the start.",
            errors={"until": ["on or after the start"]},
        )
    if filters.since:
        found = found.filter(rated_at__gte=_day_start(filters.since))
    if filters.until:
        found = found.filter(rated_at__lt=_day_start(filters.until + timedelta(days=1)))
    return found


def rating_agents(*, user: Viewer) -> QuerySet[Person]:
    """Whom the ratings list's agent filter offers: the active people of the user's teams."""
    if user.is_superuser:
        rule = Q(memberships__isnull=False)
    else:
        rule = Q(memberships__department_id__in=sorted(team_department_ids(user)))
    return Person.objects.visible_to(user).filter(rule).distinct().order_by("first_name", "pk")


def rating_services(*, user: Viewer) -> QuerySet[Service]:
    """Whom the ratings list's service filter offers: the services of the user's teams."""
    services = Service.objects.visible_to(user).select_related("department")
    if not user.is_superuser:
        services = services.filter(department_id__in=sorted(team_department_ids(user)))
    return services.order_by("department__name", "name")

"""Reads of announcements and service notices, always through each model's `visible_to(user)`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from staffdesk.announcements.drafts import Audience
from staffdesk.announcements.models import (
    Acknowledgement,
    Affected,
    Announcement,
    AudienceRule,
    Question,
    Receipt,
    ServiceNotice,
    Version,
    audience_people,
    audience_q,
    publisher_department_ids,
)
from staffdesk.announcements.search_schema import INDEX
from staffdesk.core import clock
from staffdesk.core.compiled import Slots, run_compiled
from staffdesk.core.errors import NotFound, ValidationFailed
from staffdesk.core.search_index import every_word_query
from staffdesk.directory.models import Department, Membership, Person
from staffdesk.directory.selectors import person_find, remember_team_roles, team_roles
from staffdesk.directory.types import Viewer

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

NEWS_LIMIT = 5
# The news query reads this many, pending ones first: the banner of the same page is
# built from them (it says "20 or more" past it).
NEWS_READ = 20
PAST_NOTICE_DAYS = 90


def may_publish(user: Viewer, department_id: int) -> bool:
    """Leads of the publishing department and organization admins write its announcements."""
    return bool(user and user.is_authenticated) and (
        user.is_superuser or department_id in publisher_department_ids(user)
    )


def may_post_notices(user: Viewer, department_id: int) -> bool:
    """The providing team (any of its agents) and organization admins."""
    return bool(user and user.is_authenticated) and (
        user.is_superuser or department_id in team_roles(user)
    )


def in_audience(user: Viewer, announcement: Announcement) -> bool:
    return Announcement.objects.filter(audience_q(user), pk=announcement.pk).exists()


def audience_of(announcement: Announcement) -> QuerySet[Person]:
    """The active people in the announcement's audience now."""
    rules = list(AudienceRule.objects.filter(announcement=announcement))
    return Person.objects.filter(audience_people(rules), is_active=True)


def pending_of(announcement: Announcement) -> QuerySet[Person]:
    """Its audience who have not yet acknowledged it (from `ack_version`) or, when no
    acknowledgement is asked, not yet opened it."""
    audience = audience_of(announcement)
    done: QuerySet[Any]
    if announcement.ack_required:
        done = Acknowledgement.objects.filter(
            announcement=announcement,
            person_id=OuterRef("pk"),
            version__gte=announcement.ack_version,
        )
    else:
        done = Receipt.objects.filter(
            announcement=announcement, person_id=OuterRef("pk"), viewed_at__isnull=False
        )
    return audience.filter(~Exists(done))


def _departments(*, user: Viewer, values: Iterable[int | str], field: str) -> list[Department]:
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    ids = [v for v in wanted if isinstance(v, int)]
    codes = [v.upper() for v in wanted if isinstance(v, str)]
    found = list(Department.objects.visible_to(user).filter(Q(pk__in=ids) | Q(code__in=codes)))
    known = {d.pk for d in found} | {d.code for d in found}
    unknown = [str(v) for v in wanted if (v.upper() if isinstance(v, str) else v) not in known]
    if unknown:
        raise ValidationFailed(
            f"No department {', '.join(unknown)}.",
            errors={field: [f"unknown department: {', '.join(unknown)}"]},
        )
    return found


def resolve_audience(
    *,
    user: Viewer,
    everyone: bool = False,
    departments: Iterable[int | str] = (),
    include_subdepartments: bool = False,
    teams: Iterable[int | str] = (),
    roles: Iterable[str] = (),
    people: Iterable[str] = (),
) -> list[Audience]:
    """The audience parts a form or payload names, each department (by id or code) and
    person (by username, email or name) looked up; an unknown one is a 422 naming it."""
    kind = AudienceRule.Kind
    parts: list[Audience] = [Audience(kind=kind.EVERYONE)] if everyone else []
    parts += [
        Audience(kind=kind.DEPARTMENT, department=d, include_subdepartments=include_subdepartments)
        for d in _departments(user=user, values=departments, field="departments")
    ]
    parts += [
        Audience(kind=kind.TEAM, department=d)
        for d in _departments(user=user, values=teams, field="teams")
    ]
    parts += [Audience(kind=kind.ROLE, role=role) for role in dict.fromkeys(roles)]
    problems = []
    for text in dict.fromkeys(people):
        try:
            parts.append(Audience(kind=kind.PERSON, person=person_find(user=user, text=text)))
        except ValidationFailed as exc:
            problems.append(exc.message)
    if problems:
        raise ValidationFailed(" ".join(problems), errors={"people": problems})
    return parts


def _viewer_id(user: Viewer) -> int:
    """The signed-in viewer's id (0, which is nobody's, for an anonymous one)."""
    return int(user.pk or 0)


def announcement_list(
    *, user: Viewer, now: datetime | None = None, query: str = "", state: str = "current"
) -> QuerySet[Announcement]:
    """Announcements I may see: `state` current (published, not archived), archived, or
    drafts (scheduled and draft: only their publishers see any); newest first."""
    moment = clock.resolve(now)
    found = Announcement.objects.visible_to(user, now=moment).select_related("department")
    if state == "archived":
        found = found.filter(
            Q(status=Announcement.Status.ARCHIVED)
            | Q(status=Announcement.Status.PUBLISHED, expires_at__lte=moment)
        )
    elif state == "drafts":
        found = found.filter(
            Q(status=Announcement.Status.DRAFT)
            | Q(status=Announcement.Status.SCHEDULED, publish_at__gt=moment)
        )
    else:
        found = found.current(moment)
    text = every_word_query(query) if query.strip() else None
    if text is not None:
        found = found.filter(INDEX.matching(text))
    return found.order_by("-published_at", "-id")


def access_announcement(
    *, user: Viewer, announcement_id: int, now: datetime | None = None
) -> Announcement:
    found = (
        Announcement.objects.visible_to(user, now=now)
        .select_related("department", "author")
        .filter(pk=announcement_id)
        .first()
    )
    if found is None:
        raise NotFound(f"No announcement with id {announcement_id}.")
    return found


class Marks(TypedDict):
    """What `with_my_marks` annotates each announcement with."""

    unread: bool
    pending: bool


def with_my_marks(
    found: QuerySet[Announcement], user: Viewer
) -> QuerySet[WithAnnotations[Announcement, Marks]]:
    """Each announcement with `unread` (I never opened it) and `pending` (it asks me to
    acknowledge and I have not, from its `ack_version` on)."""
    person_id = _viewer_id(user)
    return found.annotate(
        unread=~Exists(
            Receipt.objects.filter(
                announcement_id=OuterRef("pk"), person_id=person_id, viewed_at__isnull=False
            )
        ),
        pending=Q(ack_required=True)
        & ~Exists(
            Acknowledgement.objects.filter(
                announcement_id=OuterRef("pk"),
                person_id=person_id,
                version__gte=OuterRef("ack_version"),
            )
        ),
    )


@dataclass(frozen=True)
class NewsItem:
    """One announcement as "News for you" and the banner show it."""

    pk: int
    title: str
    department_name: str
    status: str
    publish_at: datetime | None
    published_at: datetime | None
    ack_required: bool
    ack_due_on: date | None
    unread: bool
    pending: bool


@dataclass(frozen=True)
class News:
    """The home page's "News for you" and, from the same read, the banner's."""

    items: list[NewsItem]
    pending: list[NewsItem]
    pending_more: bool


_MEMO = "_staffdesk_pending_announcements"
NEWS_COLUMNS = (
    "id",
    "title",
    "department__name",
    "status",
    "publish_at",
    "published_at",
    "ack_required",
    "ack_due_on",
    "unread",
    "pending",
)


def _reader(slots: Slots, user: Person) -> Person:
    """A stand-in for `user` whose id, department and teams are placeholders: the audience
    rule (`audience_q`) and the marks compiled once per shape of reader."""
    viewer = Person(
        pk=slots.number("user"),
        is_superuser=user.is_superuser,
        department_id=slots.number("department") if user.department_id else None,
    )
    roles = team_roles(user)
    remember_team_roles(
        viewer, {slots.number(f"team{i}"): roles[d] for i, d in enumerate(sorted(roles))}
    )
    return viewer


def _reader_shape(user: Person) -> tuple[object, ...]:
    roles = team_roles(user)
    return (
        user.department_id is not None,
        len(roles),
        Membership.Role.LEAD in roles.values(),
        user.is_superuser,
    )


def _reader_values(user: Person, moment: datetime) -> dict[str, object]:
    return {
        "user": user.pk,
        "department": user.department_id,
        "now": moment,
        **{f"team{i}": d for i, d in enumerate(sorted(team_roles(user)))},
    }


def _news_rows(user: Person, moment: datetime, *, pending_only: bool) -> list[NewsItem]:
    """The current announcements addressed to `user` with their marks: all of them
    (pending, then unread, then newest) or only those pending (by due date): the query of
    `audience_q` and `with_my_marks`, compiled once per shape of reader (`core.compiled`)."""

    def build(slots: Slots) -> QuerySet[Any]:
        viewer = _reader(slots, user)
        now = slots.moment("now")
        found = with_my_marks(Announcement.objects.current(now).filter(audience_q(viewer)), viewer)
        if pending_only:
            found = found.filter(ack_required=True, pending=True).order_by(
                "ack_due_on", "-published_at", "-id"
            )
        else:
            found = found.order_by("-pending", "-unread", "-published_at", "-id")
        return found.values_list(*NEWS_COLUMNS)[:NEWS_READ]

    key = ("news", pending_only, *_reader_shape(user))
    rows = run_compiled(key, build, _reader_values(user, moment))
    return [NewsItem(*row) for row in rows]


def news_for(*, user: Viewer, now: datetime | None = None) -> News:
    """Current announcements addressed to me: those I must acknowledge first, then unread,
    then the newest. One query; it also answers `pending_acknowledgements` for this user."""
    moment = clock.resolve(now)
    if not (user and user.is_authenticated and isinstance(user, Person)):
        return News([], [], False)
    rows = _news_rows(user, moment, pending_only=False)
    pending = [a for a in rows if a.pending]
    news = News(items=rows[:NEWS_LIMIT], pending=pending, pending_more=len(pending) == NEWS_READ)
    setattr(user, _MEMO, (moment, news))
    return news


def pending_acknowledgements(*, user: Viewer, now: datetime | None = None) -> News:
    """The current announcements I must acknowledge and have not (every page's banner):
    one query, or none when `news_for` has read them for this request already."""
    if not (user and user.is_authenticated and isinstance(user, Person)):
        return News([], [], False)
    memo = getattr(user, _MEMO, None)
    if memo is not None:
        return memo[1]
    moment = clock.resolve(now)
    rows = _news_rows(user, moment, pending_only=True)
    news = News(items=[], pending=rows, pending_more=len(rows) == NEWS_READ)
    setattr(user, _MEMO, (moment, news))
    return news


def forget_pending(user: Viewer) -> None:
    """After an acknowledgement, the banner of the page that follows reads again."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)


@dataclass(frozen=True)
class MyMarks:
    viewed: bool
    acknowledged_version: int | None
    in_audience: bool

    def pending(self, announcement: Announcement) -> bool:
        return (
            self.in_audience
            and announcement.ack_required
            and (self.acknowledged_version or 0) < announcement.ack_version
        )


def my_marks(*, user: Person, announcement: Announcement) -> MyMarks:
    acknowledged = (
        Acknowledgement.objects.filter(announcement=announcement, person=user)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return MyMarks(
        viewed=Receipt.objects.filter(
            announcement=announcement, person=user, viewed_at__isnull=False
        ).exists(),
        acknowledged_version=acknowledged,
        in_audience=Announcement.objects.filter(audience_q(user), pk=announcement.pk).exists(),
    )


def audience_rules(*, user: Viewer, announcement: Announcement) -> list[AudienceRule]:
    return list(
        AudienceRule.objects.visible_to(user)
        .filter(announcement=announcement)
        .select_related("department", "person")
        .order_by("kind", "id")
    )


def version_list(*, user: Viewer, announcement: Announcement) -> list[Version]:
    return list(
        Version.objects.visible_to(user).filter(announcement=announcement).select_related("editor")
    )


def question_list(*, user: Viewer, announcement: Announcement) -> list[Question]:
    return list(
        Question.objects.visible_to(user)
        .filter(announcement=announcement)
        .select_related("asker", "answered_by", "hidden_by")
    )


def access_question(*, user: Viewer, question_id: int) -> Question:
    found = (
        Question.objects.visible_to(user)
        .select_related("announcement__department", "announcement__author", "asker")
        .filter(pk=question_id)
        .first()
    )
    if found is None:
        raise NotFound(f"No question with id {question_id}.")
    return found


# The read-receipt report.


@dataclass
class DepartmentReceipts:
    """One department's part of an announcement's audience and what they did."""

    department: str
    audience: int = 0
    viewed: int = 0
    acknowledged: int = 0

    @property
    def viewed_share(self) -> float:
        return self.viewed / self.audience if self.audience else 0.0

    @property
    def acknowledged_share(self) -> float:
        return self.acknowledged / self.audience if self.audience else 0.0


@dataclass
class Report:
    announcement: Announcement
    rows: list[DepartmentReceipts]
    total: DepartmentReceipts
    pending: list[Person] = field(default_factory=list)
    pending_more: bool = False
    by_version: dict[int, int] = field(default_factory=dict)


def _require_report(user: Viewer, announcement: Announcement) -> None:
    if not may_publish(user, announcement.department_id):
        # Its audience may see the announcement, never who else read it.
        raise NotFound(f"No read-receipt report for announcement {announcement.pk}.")


def receipt_report(*, user: Viewer, announcement: Announcement, pending_limit: int = 200) -> Report:
    """Per department of the audience (as it is now): its size, how many opened it, how
    many acknowledged it (from `ack_version` on), and the first of those still pending.
    For the publishers only (the audience gets a 404). Three grouped counts, the pending and
    the acknowledgements per version."""
    _require_report(user, announcement)
    audience = audience_of(announcement)
    # Grouped counts of the rows people wrote, each over the audience's ids: one pass over
    # the receipts and one over the acknowledgements instead of two probes per person.
    viewed = Receipt.objects.filter(
        announcement=announcement, viewed_at__isnull=False, person__in=audience.values("pk")
    )
    acknowledged = Acknowledgement.objects.filter(
        announcement=announcement,
        version__gte=announcement.ack_version,
        person__in=audience.values("pk"),
    )
    sizes = dict(audience.values_list("department_id").annotate(n=Count("pk")).order_by())
    seen = dict(viewed.values_list("person__department_id").annotate(n=Count("pk")).order_by())
    done_by = dict(
        acknowledged.values_list("person__department_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    names = dict(Department.objects.values_list("pk", "name"))
    rows = [
        DepartmentReceipts(
            department=names.get(department_id, "No department")
            if department_id
            else "No department",
            audience=size,
            viewed=seen.get(department_id, 0),
            acknowledged=done_by.get(department_id, 0),
        )
        for department_id, size in sizes.items()
    ]
    rows.sort(key=lambda r: r.department)
    total = DepartmentReceipts(
        department="Everyone in the audience",
        audience=sum(r.audience for r in rows),
        viewed=sum(r.viewed for r in rows),
        acknowledged=sum(r.acknowledged for r in rows),
    )
    done = (
        Acknowledgement.objects.filter(
            announcement=announcement,
            person_id=OuterRef("pk"),
            version__gte=announcement.ack_version,
        )
        if announcement.ack_required
        else Receipt.objects.filter(
            announcement=announcement, person_id=OuterRef("pk"), viewed_at__isnull=False
        )
    )
    pending = list(
        audience.filter(~Exists(done))
        .select_related("department")
        .order_by("department__name", "last_name", "first_name", "pk")[: pending_limit + 1]
    )
    by_version = dict(
        Acknowledgement.objects.filter(announcement=announcement)
        .values_list("version")
        .annotate(n=Count("pk"))
        .order_by("version")
    )
    return Report(
        announcement=announcement,
        rows=rows,
        total=total,
        pending=pending[:pending_limit],
        pending_more=len(pending) > pending_limit,
        by_version=by_version,
    )


@dataclass(frozen=True)
class ReceiptLine:
    """One person of the audience in the CSV export."""

    name: str
    username: str
    department: str
    viewed_at: datetime | None
    acknowledged_version: int | None
    acknowledged_at: datetime | None
    reminded_at: datetime | None


def receipt_lines(*, user: Viewer, announcement: Announcement) -> Iterator[ReceiptLine]:
    """Everyone in the audience now, with what they did (the latest version each
    acknowledged), for the CSV export; streamed in chunks."""
    # Refused here, before the response starts: inside the generator the refusal would come
    # only once the download had begun, under a 200.
    _require_report(user, announcement)
    return _receipt_lines(announcement)


def _receipt_lines(announcement: Announcement) -> Iterator[ReceiptLine]:
    receipts = {
        person_id: (viewed_at, reminded_at)
        for person_id, viewed_at, reminded_at in Receipt.objects.filter(
            announcement=announcement
        ).values_list("person_id", "viewed_at", "reminded_at")
    }
    acks: dict[int, tuple[int, datetime]] = {}
    for person_id, version, at in (
        Acknowledgement.objects.filter(announcement=announcement)
        .order_by("version")
        .values_list("person_id", "version", "acknowledged_at")
    ):
        acks[person_id] = (version, at)
    people = (
        audience_of(announcement)
        .order_by("department__name", "last_name", "first_name", "pk")
        .values_list("pk", "first_name", "last_name", "username", "department__name")
    )
    for pk, first, last, username, department in people.iterator(chunk_size=2000):
        viewed_at, reminded_at = receipts.get(pk, (None, None))
        acknowledged = acks.get(pk)
        yield ReceiptLine(
            name=f"{first} {last}".strip() or username,
            username=username,
            department=department or "",
            viewed_at=viewed_at,
            acknowledged_version=acknowledged[0] if acknowledged else None,
            acknowledged_at=acknowledged[1] if acknowledged else None,
            reminded_at=reminded_at,
        )


# Service notices.


def notice_list(*, user: Viewer) -> QuerySet[Any, Any]:
    return (
        ServiceNotice.objects.visible_to(user)
        .select_related("department")
        .prefetch_related(Prefetch("services", to_attr="service_list"))
        .annotate(affected_count=Count("affected", distinct=True))
    )


def current_notices(*, user: Viewer, now: datetime | None = None) -> QuerySet[ServiceNotice]:
    """Notices in effect now, and planned work announced ahead."""
    moment = clock.resolve(now)
    return (
        notice_list(user=user)
        .filter(resolved_at__isnull=True)
        .filter(Q(starts_at__lte=moment) | Q(kind=ServiceNotice.Kind.MAINTENANCE))
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class StatusBoard:
    current: dict[str, list[ServiceNotice]]
    past: list[ServiceNotice]


def status_board(*, user: Viewer, now: datetime | None = None) -> StatusBoard:
    """Every current notice by department, and those resolved in the last 90 days."""
    moment = clock.resolve(now)
    by_department: dict[str, list[ServiceNotice]] = defaultdict(list)
    for notice in current_notices(user=user, now=moment).order_by("department__name", "starts_at"):
        by_department[notice.department.name].append(notice)
    past = list(
        notice_list(user=user)
        .filter(resolved_at__gte=moment - timedelta(days=PAST_NOTICE_DAYS))
        .order_by("-resolved_at", "-pk")
    )
    return StatusBoard(current=dict(by_department), past=past)


def access_notice(*, user: Viewer, notice_id: int) -> ServiceNotice:
    found = (
        notice_list(user=user).select_related("author", "resolved_by").filter(pk=notice_id).first()
    )
    if found is None:
        raise NotFound(f"No service notice with id {notice_id}.")
    return found


def notices_for_services(
    *, user: Viewer, service_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[ServiceNotice]]:
    """{service id: its current notices} for these services (catalog pages, the form)."""
    ids = set(service_ids)
    if not ids:
        return {}
    found: dict[int, list[ServiceNotice]] = defaultdict(list)
    for notice in current_notices(user=user, now=now).filter(services__in=ids).distinct():
        for service in notice.service_list:  # type: ignore[attr-defined]  # Prefetch(to_attr=)
            if service.pk in ids:
                found[service.pk].append(notice)
    return dict(found)


def affected_list(*, user: Viewer, notice: ServiceNotice) -> QuerySet[Affected]:
    """Who said they are affected: the posting team sees everyone, others only themselves."""
    return (
        Affected.objects.visible_to(user).filter(notice=notice).select_related("person__department")
    )


def affected_notice_ids(*, user: Viewer, notice_ids: Iterable[int]) -> set[int]:
    """Of these notices, those `user` said they are affected by."""
    return set(
        Affected.objects.filter(
            person_id=_viewer_id(user), notice_id__in=set(notice_ids)
        ).values_list("notice_id", flat=True)
    )

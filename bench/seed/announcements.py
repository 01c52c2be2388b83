"""The benchmark's announcements: 1,000 news items from the departments over the last year, to
a mix of audiences, with the read receipts and acknowledgements of the people who acted.

The rows are those the announcements services write (`announcement_create` and
`announcement_publish` or `announcement_schedule`: the announcement, its versions, its
audience rules and the broadcast of its publication, here already finished; `announcement_view`
and `announcement_acknowledge`: a receipt per person who opened it, an acknowledgement per
person and version, never one without the receipt), minus the notifications, which the
history does not generate for requests either. Who is in an audience is worked out from the
organization as it was seeded (nobody moves afterwards), so every receipt belongs to someone
`audience_of` names. Receipts and acknowledgements, about a million rows, go in through the
loader; the rest with `bulk_create`.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bench.seed import loader, words
from bench.seed.history import Timeline
from bench.seed.organization import Organization
from staffdesk.announcements.models import (
    Acknowledgement,
    Announcement,
    AudienceRule,
    Broadcast,
    Receipt,
    Role,
    Version,
)
from staffdesk.core.markdown import render
from staffdesk.directory.models import Department, Membership

COUNT = 1_000
DAY = 86_400
SPAN_DAYS = 365
# Audiences by share of the announcements: to everyone, to one to three departments, to
# service teams, to a role, to a few named people.
AUDIENCES = (("everyone", 6), ("departments", 50), ("teams", 15), ("roles", 10), ("people", 19))
REQUIRED_SHARE = 0.25
REACK_SHARE = 0.1  # of the required ones: edited since, version 2 to be acknowledged again
REMINDED_SHARE = 0.2  # of the required ones not to everyone: those pending were reminded
RECEIPT_COLUMNS = ("id", "announcement_id", "person_id", "viewed_at", "reminded_at")
ACK_COLUMNS = ("id", "announcement_id", "person_id", "version", "acknowledged_at")
FLUSH = 100_000  # rows held before they are written


@dataclass
class AnnouncementSummary:
    announcements: int = 0
    current: int = 0
    required: int = 0
    to_everyone: int = 0
    receipts: int = 0
    acknowledgements: int = 0


@dataclass(frozen=True)
class _Audience:
    rules: list[AudienceRule]  # without their announcement yet
    people: list[int]  # person ids, ascending


class _Directory:
    """Who is where: the organization's people by department, team and role."""

    def __init__(self, organization: Organization) -> None:
        self.everyone = sorted(organization.person_ids)
        by_department: dict[int | None, list[int]] = defaultdict(list)
        for person_id, department_id in zip(
            organization.person_ids, organization.person_department_ids, strict=True
        ):
            by_department[department_id].append(person_id)
        self.by_department = by_department
        self.teams: dict[int, list[int]] = defaultdict(list)
        self.leads: set[int] = set()
        for department_id, person_id, role in Membership.objects.values_list(
            "department_id", "person_id", "role"
        ):
            self.teams[department_id].append(person_id)
            if role == Membership.Role.LEAD:
                self.leads.add(person_id)
        self.agents = {person for team in self.teams.values() for person in team}


def _audience(
    rng: random.Random, directory: _Directory, home: Department, departments: list[Department]
) -> _Audience:
    kind = rng.choices([name for name, _ in AUDIENCES], weights=[w for _, w in AUDIENCES])[0]
    rule = AudienceRule.Kind
    if kind == "everyone":
        return _Audience([AudienceRule(kind=rule.EVERYONE)], directory.everyone)
    if kind == "departments":
        chosen = [home] if rng.random() < 0.7 else []
        others = [d for d in departments if d not in chosen]
        chosen += rng.sample(others, min(len(others), rng.choice([1, 1, 1, 2, 3]) - len(chosen)))
        # The organization is flat: with or without its sub-departments, the same people.
        whole = rng.random() < 0.3
        people = {p for d in chosen for p in directory.by_department[d.pk]}
        return _Audience(
            [
                AudienceRule(kind=rule.DEPARTMENT, department=d, include_subdepartments=whole)
                for d in chosen
            ],
            sorted(people),
        )
    if kind == "teams":
        chosen = rng.sample(departments, min(len(departments), rng.randint(1, 3)))
        people = {p for d in chosen for p in directory.teams[d.pk]}
        return _Audience(
            [AudienceRule(kind=rule.TEAM, department=d) for d in chosen], sorted(people)
        )
    if kind == "roles":
        role = Role.AGENTS if rng.random() < 0.6 else Role.LEADS
        people = directory.agents if role == Role.AGENTS else directory.leads
        return _Audience([AudienceRule(kind=rule.ROLE, role=role)], sorted(people))
    named = sorted(rng.sample(directory.everyone, min(len(directory.everyone), rng.randint(3, 40))))
    return _Audience([AudienceRule(kind=rule.PERSON, person_id=p) for p in named], named)


def _body(rng: random.Random, topic: str) -> str:
    sentences = rng.sample(words.ANNOUNCEMENT_SENTENCES, rng.randint(3, 6))
    middle = len(sentences) // 2
    return (
        f"**{topic}.** {' '.join(sentences[:middle])}\n\n"
        f"{' '.join(sentences[middle:])}\n\n"
        f"- {rng.choice(words.ANNOUNCEMENT_SENTENCES)}\n- {rng.choice(words.ANNOUNCEMENT_SENTENCES)}"
    )


def _seconds(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(seconds=rng.randrange(low, max(low + 1, high)))


class _Writer:
    """Receipts and acknowledgements, held and written in sorted batches."""

    def __init__(self, timeline: Timeline, summary: AnnouncementSummary) -> None:
        self.stamp = timeline.stamper()
        self.summary = summary
        self.receipts: list[tuple] = []
        self.acknowledgements: list[tuple] = []

    def receipt(
        self,
        announcement_id: int,
        person_id: int,
        viewed: datetime | None,
        reminded: datetime | None,
    ) -> None:
        self.receipts.append((announcement_id, person_id, self.stamp(viewed), self.stamp(reminded)))

    def acknowledgement(
        self, announcement_id: int, person_id: int, version: int, at: datetime
    ) -> None:
        self.acknowledgements.append((announcement_id, person_id, version, self.stamp(at)))

    def flush(self, *, last: bool = False) -> None:
        """Write what is held once there is enough (or at the `last`), with ids in order
        after those written before (the tables start empty; `loader.finish` moves the
        sequences past them)."""
        if not last and len(self.receipts) + len(self.acknowledgements) < FLUSH:
            return
        for model, columns, rows, done in (
            (Receipt, RECEIPT_COLUMNS, self.receipts, self.summary.receipts),
            (Acknowledgement, ACK_COLUMNS, self.acknowledgements, self.summary.acknowledgements),
        ):
            rows.sort()
            loader.insert_rows(
                model, columns, [(done + n, *row) for n, row in enumerate(rows, start=1)]
            )
        self.summary.receipts += len(self.receipts)
        self.summary.acknowledgements += len(self.acknowledgements)
        self.receipts, self.acknowledgements = [], []


def _acted(
    rng: random.Random,
    writer: _Writer,
    announcement: Announcement,
    audience: _Audience,
    end: datetime,
) -> None:
    """The receipts and acknowledgements of those who opened and acknowledged it by `end`,
    and (of some required ones not to everyone) of those reminded a week after."""
    published = announcement.published_at
    assert published is not None
    until = min(end, announcement.archived_at or end)
    window = int((until - published).total_seconds())
    if window <= 0:
        return
    required = announcement.ack_required
    share = rng.uniform(0.3, 0.9) if required else rng.uniform(0.05, 0.6)
    people = audience.people
    viewers = rng.sample(people, round(share * len(people)))
    acknowledging = round(rng.uniform(0.5, 0.95) * len(viewers)) if required else 0
    viewed_by: set[int] = set()
    for index, person in enumerate(viewers):
        viewed = published + _seconds(rng, 60, min(window, 30 * DAY))
        writer.receipt(announcement.pk, person, viewed, None)
        viewed_by.add(person)
        if index < acknowledging:
            at = min(viewed + _seconds(rng, 5, 3_600), until)
            if announcement.version == 1 or rng.random() < 0.3:
                writer.acknowledgement(announcement.pk, person, 1, at)
            if announcement.version > 1 and rng.random() < 0.7:
                writer.acknowledgement(announcement.pk, person, announcement.version, at)
    reminded = published + timedelta(days=7)
    everyone = audience.rules[0].kind == AudienceRule.Kind.EVERYONE
    if required and not everyone and reminded < until and rng.random() < REMINDED_SHARE:
        for person in people:
            if person not in viewed_by:
                writer.receipt(announcement.pk, person, None, reminded)
    writer.flush()


def announcements_create(
    *,
    rng: random.Random,
    organization: Organization,
    timeline: Timeline,
    end: datetime,
    count: int = COUNT,
) -> AnnouncementSummary:
    """`count` announcements from the organization's departments, published over the year
    before `end` (a few drafts, a few scheduled a year ahead, a tenth archived), and what
    their audiences did with them."""
    summary = AnnouncementSummary()
    directory = _Directory(organization)
    departments = organization.departments
    weights = [spec[2] for spec in words.DEPARTMENTS[: len(departments)]]
    Status = Announcement.Status
    planned: list[tuple[Announcement, _Audience]] = []
    for index in range(count):
        home = rng.choices(departments, weights=weights)[0]
        assert home.lead is not None  # every seeded department has one
        audience = _audience(rng, directory, home, departments)
        roll = rng.random()
        status = (
            Status.DRAFT
            if roll < 0.03
            else Status.SCHEDULED
            if roll < 0.05
            else Status.ARCHIVED
            if roll < 0.15
            else Status.PUBLISHED
        )
        required = rng.random() < REQUIRED_SHARE
        topic = rng.choice(words.ANNOUNCEMENT_TOPICS)
        body = _body(rng, topic)
        published_at = publish_at = expires_at = archived_at = None
        if status in (Status.PUBLISHED, Status.ARCHIVED):
            published_at = end - _seconds(rng, DAY, SPAN_DAYS * DAY)
            publish_at = published_at
            if status == Status.ARCHIVED:
                archived_at = published_at + (end - published_at) * rng.uniform(0.2, 0.9)
                archived_at = archived_at.replace(microsecond=0)
                expires_at = archived_at if rng.random() < 0.5 else None
            elif rng.random() < 0.3:
                expires_at = end + timedelta(days=rng.randint(7, 180))
        elif status == Status.SCHEDULED:
            # A year ahead, so that a cache seeded today is not due when it is used later.
            publish_at = published_at = end + timedelta(days=365 + rng.randint(0, 30))
        created_at = (published_at or end) - _seconds(rng, 3_600, 5 * DAY)
        version = 2 if required and published_at and rng.random() < REACK_SHARE else 1
        announcement = Announcement(
            department=home,
            author=home.lead,
            title=f"{home.name}: {topic}" if index % 2 else topic,
            body=body,
            body_html=render(body),
            version=version,
            status=status,
            publish_at=publish_at,
            published_at=published_at,
            expires_at=expires_at,
            archived_at=archived_at,
            ack_required=required,
            ack_due_on=_due_on(rng, published_at) if required else None,
            ack_version=version,
            created_at=created_at,
            updated_at=archived_at or created_at,
        )
        planned.append((announcement, audience))
    Announcement.objects.bulk_create([announcement for announcement, _ in planned])
    rules, versions, broadcasts = [], [], []
    for announcement, audience in planned:
        for rule in audience.rules:
            rule.announcement = announcement
            rules.append(rule)
        for number in range(1, announcement.version + 1):
            versions.append(
                Version(
                    announcement=announcement,
                    number=number,
                    title=announcement.title,
                    body=announcement.body,
                    editor=announcement.author,
                    needs_ack=announcement.ack_required,
                    created_at=announcement.created_at
                    if number == 1
                    else (announcement.published_at or end) + timedelta(days=1),
                )
            )
        if announcement.published_at is not None:
            broadcasts.append(_broadcast(announcement, audience.people, end))
    AudienceRule.objects.bulk_create(rules, batch_size=5_000)
    Version.objects.bulk_create(versions, batch_size=5_000)
    Broadcast.objects.bulk_create(broadcasts, batch_size=5_000)
    writer = _Writer(timeline, summary)
    with loader.without_secondary_indexes([Receipt, Acknowledgement]):
        for announcement, audience in planned:
            if announcement.published_at is not None and announcement.published_at < end:
                _acted(rng, writer, announcement, audience, end)
        writer.flush(last=True)
    summary.announcements = len(planned)
    summary.current = sum(1 for a, _ in planned if a.status == Status.PUBLISHED)
    summary.required = sum(1 for a, _ in planned if a.ack_required)
    summary.to_everyone = sum(
        1 for _, audience in planned if audience.rules[0].kind == AudienceRule.Kind.EVERYONE
    )
    return summary


def _due_on(rng: random.Random, published_at: datetime | None) -> date | None:
    if published_at is None or rng.random() < 0.3:
        return None
    return (published_at + timedelta(days=rng.randint(7, 30))).date()


def _broadcast(announcement: Announcement, people: list[int], end: datetime) -> Broadcast:
    """The publication's fan-out: done, a batch of 1,000 every few tenths of a second, or
    (scheduled) due at its time."""
    published = announcement.published_at
    assert published is not None
    if published >= end:
        return Broadcast(
            reason=Broadcast.Reason.PUBLISHED,
            announcement=announcement,
            requested_by=announcement.author,
            created_at=announcement.created_at,
            due_at=published,
        )
    return Broadcast(
        reason=Broadcast.Reason.PUBLISHED,
        announcement=announcement,
        version=1,
        requested_by=announcement.author,
        created_at=published,
        after_person_id=people[-1] if people else 0,
        notified=len(people),
        finished_at=published + timedelta(seconds=math.ceil(len(people) / 1_000) * 0.3),
    )

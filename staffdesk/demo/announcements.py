"""The demo city's news and service notices (`data/announcements.toml`), played through the
announcements services at their moments in the history, as people would have used them:
written, published, opened, acknowledged, edited, asked about and answered; notices posted,
pressed "I'm affected" on and resolved.

What the worker sends (the audience told of a publication, the affected told of the end of a
notice) is fanned out afterwards by `broadcasts_catch_up`, each at the moment it fell due,
outside the city's transaction as a worker's ticks are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from staffdesk.announcements.drafts import Draft, NoticeDraft
from staffdesk.announcements.models import Announcement, Broadcast, Question
from staffdesk.announcements.selectors import resolve_audience
from staffdesk.announcements.services.announcements import (
    announcement_acknowledge,
    announcement_create,
    announcement_publish,
    announcement_schedule,
    announcement_update,
    announcement_view,
)
from staffdesk.announcements.services.notices import (
    notice_affected,
    notice_post,
    notice_resolve,
)
from staffdesk.announcements.services.questions import question_answer, question_ask
from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.demo import data
from staffdesk.demo.catalog import Catalog
from staffdesk.demo.clock import WORKING_DAY_MINUTES, WorkingClock
from staffdesk.demo.data import AnnouncementSpec, EditSpec, NoticeSpec, QuestionSpec
from staffdesk.demo.organization import Organization
from staffdesk.directory.models import Person

# How long before publishing (or posting) its author wrote it, in working minutes.
WRITING_MINUTES = 45


def _ago(text: str) -> int:
    """Working minutes before the present."""
    return data.minutes(text, day_minutes=WORKING_DAY_MINUTES)


def _ahead(text: str) -> timedelta:
    return timedelta(minutes=data.minutes(text, day_minutes=24 * 60))


def _spread(people: tuple[str, ...], start: int, end: int) -> list[tuple[float, str]]:
    """(working minutes ago, username): one after the other, evenly from `start` to `end` ago."""
    count = len(people)
    return [
        (start - (start - end) * (index + 1) / (count + 1), username)
        for index, username in enumerate(people)
    ]


def announcements_create(
    *, organization: Organization, catalog: Catalog, clock: WorkingClock
) -> list[Announcement]:
    """Every announcement and notice of the data file, with what people did about them."""
    played = [_announcement(spec, organization, clock) for spec in data.announcements()]
    for spec in data.notices():
        _notice(spec, organization, catalog, clock)
    return played


def _announcement(
    spec: AnnouncementSpec, organization: Organization, clock: WorkingClock
) -> Announcement:
    people = organization.people
    author = people[spec.author]
    present = clock.at(0)
    published_ago = _ago(spec.published) if spec.published else 0
    audience = spec.audience
    draft = Draft(
        title=spec.title,
        body=spec.body,
        audience=resolve_audience(
            user=author,
            everyone=audience.get("everyone", False),
            departments=audience.get("departments", ()),
            include_subdepartments=audience.get("include_subdepartments", False),
            teams=audience.get("teams", ()),
            roles=audience.get("roles", ()),
            people=audience.get("people", ()),
        ),
        ack_required=spec.ack_required,
        ack_due_on=timezone.localdate(present) + timedelta(days=spec.ack_due_days)
        if spec.ack_due_days
        else None,
    )
    written_at = clock.at(published_ago + WRITING_MINUTES)
    announcement = announcement_create(
        author=author,
        department=organization.departments[spec.department],
        draft=draft,
        now=written_at,
    )
    if spec.status == Announcement.Status.SCHEDULED:
        return announcement_schedule(
            actor=author,
            announcement=announcement,
            publish_at=present + _ahead(spec.publish_ahead),
            now=written_at,
        )
    if spec.status != Announcement.Status.PUBLISHED:
        return announcement
    published = announcement_publish(
        actor=author, announcement=announcement, now=clock.at(published_ago)
    )
    story = _Story(announcement=published, author=author, draft=draft)
    until = _ago(spec.acted_until)
    steps: list[tuple[float, Callable[[datetime], None]]] = [
        (ago, partial(story.acknowledge, people[name]))
        for ago, name in _spread(spec.acknowledged, published_ago, until)
    ]
    steps += [
        (ago, partial(story.view, people[name]))
        for ago, name in _spread(spec.viewed, published_ago, until)
    ]
    if spec.edit is not None:
        steps.append((_ago(spec.edit.at), partial(story.edit, spec.edit)))
    for question in spec.questions:
        steps.append((_ago(question.asked), partial(story.ask, people[question.asker], question)))
        if question.answer:
            steps.append((_ago(question.answered), partial(story.answer, question)))
    # Oldest first: each step meets the announcement as it was then (its version).
    for ago, step in sorted(steps, key=lambda item: -item[0]):
        step(clock.at(ago))
    return story.announcement


class _Story:
    """What the audience and the author of one published announcement do, step by step."""

    def __init__(self, *, announcement: Announcement, author: Person, draft: Draft) -> None:
        self.announcement = announcement
        self.author = author
        self.draft = draft
        self.asked: dict[str, Question] = {}

    def acknowledge(self, person: Person, moment: datetime) -> None:
        announcement_acknowledge(user=person, announcement=self.announcement, now=moment)

    def view(self, person: Person, moment: datetime) -> None:
        announcement_view(user=person, announcement=self.announcement, now=moment)

    def edit(self, edit: EditSpec, moment: datetime) -> None:
        self.announcement = announcement_update(
            editor=self.author,
            announcement=self.announcement,
            draft=replace(self.draft, body=edit.body),
            needs_reack=edit.needs_reack,
            now=moment,
        )

    def ask(self, asker: Person, question: QuestionSpec, moment: datetime) -> None:
        # Asked on the announcement's page: opening it is recorded too.
        announcement_view(user=asker, announcement=self.announcement, now=moment)
        self.asked[question.text] = question_ask(
            user=asker,
            announcement=self.announcement,
            text=question.text,
            is_public=question.public,
            now=moment,
        )

    def answer(self, question: QuestionSpec, moment: datetime) -> None:
        question_answer(
            actor=self.author,
            question=self.asked[question.text],
            answer=question.answer,
            now=moment,
        )


def _notice(
    spec: NoticeSpec, organization: Organization, catalog: Catalog, clock: WorkingClock
) -> None:
    people = organization.people
    present = clock.at(0)
    started_ago = _ago(spec.started) if spec.started else 0
    starts_at = present + _ahead(spec.starts_ahead) if spec.starts_ahead else clock.at(started_ago)
    services = [catalog.services[code] for code in spec.services]
    notice = notice_post(
        author=people[spec.author],
        department=organization.departments[spec.department],
        draft=NoticeDraft(
            kind=spec.kind,
            title=spec.title,
            message=spec.message,
            services=services,
            starts_at=starts_at,
            expected_end_at=present + _ahead(spec.expected_end_ahead)
            if spec.expected_end_ahead
            else None,
        ),
        now=clock.at(started_ago + WRITING_MINUTES) if spec.started else present,
    )
    for ago, username in _spread(spec.affected, started_ago, _ago(spec.affected_until)):
        notice_affected(
            user=people[username], notice=notice, service=services[0], now=clock.at(ago)
        )
    if spec.resolved:
        notice_resolve(
            actor=people[spec.resolved_by],
            notice=notice,
            closing_message=spec.closing,
            now=clock.at(_ago(spec.resolved)),
        )


def broadcasts_catch_up(*, now: datetime) -> int:
    """Fan out every broadcast that fell due during the history at the moment it did, as a
    worker running then would have (its notifications dated then); those due later (a
    scheduled announcement) wait for the real worker. Returns how many people were told."""
    told = 0
    due = Broadcast.objects.filter(due_at__lte=now).order_by("due_at")
    while (moment := due.values_list("due_at", flat=True).first()) is not None:
        told += announcements_tick(now=moment)
    return told

"""An announcement's audience is told exactly once: when the worker is killed in the middle
of a batch and started again, and when two workers fan the same broadcast out at once.

The workers are real processes against the test database (`tests/announcements/
fanout_worker.py`, the fan-out alone, and `staffdesk worker --once`, as production runs it),
so their transactions are really separate, as in tests/escalation/test_exactly_once.py,
whose process helpers these tests use: on PostgreSQL a broadcast held by one worker is
skipped by the other (`SKIP LOCKED`), on SQLite they queue on the write lock. The audience
is large enough for several batches of `broadcast.BATCH_SIZE`: the people are written with
`bulk_create`, without email addresses, so the worker's email task has nothing to send.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from staffdesk.announcements.drafts import Audience
from staffdesk.announcements.models import Announcement, AudienceRule, Broadcast
from staffdesk.announcements.services import broadcast
from staffdesk.announcements.services.announcements import (
    announcement_create,
    announcement_publish,
)
from staffdesk.directory.models import Person
from staffdesk.notifications.models import Notification
from tests.announcements.conftest import finance_draft
from tests.escalation.test_exactly_once import ROOT, child_env, wait_until, worker_once
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

BATCH = broadcast.BATCH_SIZE
STAFF = 4_800  # three in four in Finance or Payroll: an audience of four batches


@dataclass(frozen=True)
class Crowd:
    """A published announcement and who must be told of it."""

    announcement: Announcement
    audience: list[int]  # person ids, in the fan-out's order
    outside: set[int]


@pytest.fixture
def crowd(org, fin_lead) -> Crowd:
    """Finance and its sub-department Payroll, and Una of Water by name, are told of a
    required announcement; Water's other staff and those who left are not."""
    payroll = DepartmentFactory(code="PAY", name="Payroll", parent=org.fin)
    homes = [org.fin, payroll, org.water, org.fin]
    Person.objects.bulk_create(
        [
            Person(
                username=f"staff{n:05d}",
                first_name="Staff",
                last_name=f"{n:05d}",
                password="!",  # unusable: no password hash starts with "!"
                department=homes[n % len(homes)],
                is_active=n % 97 != 0,
            )
            for n in range(STAFF)
        ],
        batch_size=1000,
    )
    kind = AudienceRule.Kind
    draft = finance_draft(
        audience=[
            Audience(kind=kind.DEPARTMENT, department=org.fin, include_subdepartments=True),
            Audience(kind=kind.PERSON, person=org.unrelated),
        ]
    )
    created = announcement_create(author=fin_lead, department=org.fin, draft=draft)
    announcement = announcement_publish(actor=fin_lead, announcement=created)
    # Who that is, written out here rather than by the audience rules under test.
    audience = Q(department__in=[org.fin, payroll]) | Q(pk=org.unrelated.pk)
    told = Person.objects.filter(audience, is_active=True).order_by("pk")
    ids = list(told.values_list("pk", flat=True))
    outside = set(Person.objects.exclude(pk__in=ids).values_list("pk", flat=True))
    assert 3 * BATCH < len(ids) < 4 * BATCH
    return Crowd(announcement, ids, outside)


def notified(announcement: Announcement) -> Counter:
    """How many notifications of `announcement` each person has."""
    return Counter(
        Notification.objects.filter(thread_key=f"announcement-{announcement.pk}").values_list(
            "recipient_id", flat=True
        )
    )


def assert_each_told_once(crowd: Crowd) -> None:
    """Everyone in the audience has exactly one notification of it, nobody else has one,
    and the broadcast is finished having counted them all."""
    counts = notified(crowd.announcement)
    assert counts == Counter(crowd.audience)
    assert not crowd.outside & set(counts)
    kinds = Notification.objects.filter(thread_key=f"announcement-{crowd.announcement.pk}")
    assert set(kinds.values_list("kind", "url")) == {
        (
            "announcement_required",
            reverse("announcements:detail", args=[crowd.announcement.pk]),
        )
    }
    fanout = Broadcast.objects.get(announcement=crowd.announcement)
    assert fanout.finished_at is not None
    assert fanout.due_at is None
    assert (fanout.notified, fanout.after_person_id) == (len(crowd.audience), crowd.audience[-1])


@pytest.fixture
def fanout_worker(transactional_db, tmp_path):
    """`fanout_worker(*args)` starts `tests/announcements/fanout_worker.py`; whatever still
    runs when the test ends is killed before the database is flushed."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.announcements.fanout_worker", *args],
            cwd=ROOT,
            env=child_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def result_of(process: subprocess.Popen[str]) -> dict[str, int]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_a_worker_killed_mid_batch_tells_everyone_once(crowd, fanout_worker, tmp_path):
    hang = tmp_path / "hang"
    worker = fanout_worker("--hang-in-batch", "3", "--hang-file", str(hang))
    wait_until(hang.exists, seconds=120, what="the third batch written", process=worker)
    # Two batches committed; the third wrote its notifications but has not committed.
    assert json.loads(hang.read_text())["written"] == BATCH
    cursor_at_kill = crowd.audience[2 * BATCH - 1]
    fanout = Broadcast.objects.get(announcement=crowd.announcement)
    assert (fanout.notified, fanout.after_person_id) == (2 * BATCH, cursor_at_kill)
    assert fanout.finished_at is None
    assert notified(crowd.announcement) == Counter(crowd.audience[: 2 * BATCH])
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    backend = json.loads(hang.read_text())["backend_pid"]
    if backend is not None:
        # PostgreSQL rolls the dead client's transaction back (and lets go of the broadcast's
        # row lock, which the next worker would skip) once it sees the socket close.
        def gone() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
                return cursor.fetchone()[0] == 0

        wait_until(gone, seconds=30, what="the killed worker's session ended")
    # The killed batch left nothing behind.
    assert sum(notified(crowd.announcement).values()) == 2 * BATCH
    assert Broadcast.objects.get(announcement=crowd.announcement).notified == 2 * BATCH

    # Started again, the worker picks up after the last committed batch.
    told = 0
    for _ in range(5):
        told += worker_once(tmp_path)["announcements"]
        if Broadcast.objects.get(announcement=crowd.announcement).finished_at is not None:
            break
    assert told == len(crowd.audience) - 2 * BATCH
    assert worker_once(tmp_path)["announcements"] == 0
    assert_each_told_once(crowd)
    # Those of the committed batches were told by the killed worker (in one tick, or two on
    # a busy machine, whose tick ran out of time after the first), the rest after it.
    first, rest = set(), set()
    for recipient, created_at in Notification.objects.filter(
        thread_key=f"announcement-{crowd.announcement.pk}"
    ).values_list("recipient_id", "created_at"):
        (first if recipient <= cursor_at_kill else rest).add(created_at)
    assert 1 <= len(first) <= 2
    assert min(rest) > max(first)


def test_two_workers_at_once_tell_everyone_once(crowd, fanout_worker, tmp_path):
    go = tmp_path / "go"
    # Batches of 100, one a tick, with a pause between ticks: the workers take turns on the
    # one broadcast instead of the first doing it all in one tick.
    workers = [
        fanout_worker(
            "--batch-size",
            "100",
            "--tick-seconds",
            "0",
            "--pause",
            "0.01",
            "--ready",
            str(tmp_path / f"ready{n}"),
            "--go",
            str(go),
        )
        for n in range(2)
    ]
    for n, process in enumerate(workers):
        wait_until((tmp_path / f"ready{n}").exists, what=f"worker {n} connected", process=process)
    go.touch()
    told = [result_of(process)["told"] for process in workers]

    assert sum(told) == len(crowd.audience)
    assert min(told) > 0, told  # both really worked on it
    assert_each_told_once(crowd)

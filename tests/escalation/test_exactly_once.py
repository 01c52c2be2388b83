"""Every escalation step fires exactly once: after an outage, with two workers at once, and
when a worker is killed half-way through a tick.

The workers are real processes (`staffdesk worker --once`, or `tests/escalation/ticker.py`
for one `escalation_tick` with a small batch size) against the test database, so their
transactions are really separate: on PostgreSQL two of them share the due rows through
`SKIP LOCKED`, on SQLite they queue on the write lock. The data is filed in the past
relative to the real clock the workers read, under a 24x7 calendar, so "due" does not
depend on the hour or the weekday the suite runs at.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from conftest import LAPTOP_ANSWERS
from staffdesk.escalation.models import Escalation
from staffdesk.escalation.services import escalation_tick
from staffdesk.notifications.models import Notification
from staffdesk.requests.models import Priority, Request, RequestCounter, RequestEvent
from staffdesk.requests.sla.store import apply, compute
from staffdesk.requests.sla.tick import sla_tick
from tests.escalation.conftest import file_laptop

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
STAFFDESK = str(Path(sys.executable).with_name("staffdesk"))
# With the `policy` fixture under 24x7 hours, levels fall due this long after filing
# (P3: 4 h to answer): 75 % at 3 h, the breach at 4 h, 60 min after it at 5 h, silence at 8 h.
LEVEL_DUE = {1: timedelta(hours=3), 2: timedelta(hours=4), 3: timedelta(hours=5)}
SUBJECT = re.compile(r"^\[(?P<number>[A-Z]+-\d+)\] Escalated to level (?P<level>\d)")


@pytest.fixture
def around_the_clock(agreement):
    """IT's agreement counts every hour, so real "now" is business time whenever tests run."""
    agreement.calendar.always_open = True
    agreement.calendar.save()
    return agreement


# --- processes ----------------------------------------------------------------------------


def database_url() -> str:
    """The test database, for processes started by a test (committed data only)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{quote(settings['USER'])}{password}@{host}:{port}/{settings['NAME']}"


def child_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "staffdesk.config.settings",
        "STAFFDESK_VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
    }


def worker_once(tmp_path: Path) -> dict[str, int]:
    """`staffdesk worker --once`, as production runs it; what each task handled."""
    result = subprocess.run(
        [STAFFDESK, "worker", "--once"],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # The console email backend prints the mails first; the summary is the last line.
    summary = result.stdout.strip().splitlines()[-1]
    return {name: int(count) for name, count in re.findall(r"(\w+): (\d+)", summary)}


@pytest.fixture
def ticker(transactional_db, tmp_path):
    """`ticker(*args)` starts `tests/escalation/ticker.py`; whatever still runs when the test
    ends is killed before the database is flushed (a failed test must not leave a worker
    holding locks on the next test's tables)."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.escalation.ticker", *args],
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


def fired_by(process: subprocess.Popen[str]) -> int:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return int(out.strip().splitlines()[-1])


def wait_until(condition, *, seconds: float = 60, what: str = "", process=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited early: {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.02)


# --- data ---------------------------------------------------------------------------------


def file_many(org, agreement, *, count: int, filed_at: datetime) -> list[int]:
    """`count` laptop requests filed at `filed_at`, in bulk: the rows `request_submit` stores
    (number, routing to the point person, the agreement, its clocks, "look at it now" for
    the escalation tick, the created and assignment events), without 1,000 service calls."""
    counter, _ = RequestCounter.objects.get_or_create(department=org.it)
    first = counter.last_number + 1
    requests = [
        Request(
            number=f"IT-{sequence:06d}",
            department=org.it,
            sequence=sequence,
            service=org.laptop,
            confidential=org.laptop.confidential,
            requester=org.requester,
            requester_department=org.requester.department,
            subject=f"Laptop {sequence}",
            priority=Priority.P3,
            assignee=org.it_point,
            answers=LAPTOP_ANSWERS,
            created_at=filed_at,
            updated_at=filed_at,
            sla_agreement=agreement,
            next_escalation_at=filed_at,
        )
        for sequence in range(first, first + count)
    ]
    state = compute(requests[0], now=filed_at, steps=[])  # all alike: one computation
    for request in requests:
        apply(request, state)
    Request.objects.bulk_create(requests, batch_size=500)
    events = []
    for request in requests:
        events.append(
            RequestEvent(
                request=request,
                kind=RequestEvent.Kind.CREATED,
                actor=org.requester,
                created_at=filed_at,
                data={"channel": "web", "priority": 3, "assignee": org.it_point.pk},
            )
        )
        events.append(
            RequestEvent(
                request=request,
                kind=RequestEvent.Kind.ASSIGNMENT,
                created_at=filed_at,
                data={
                    "from": None,
                    "to": org.it_point.pk,
                    "to_name": org.it_point.display_name,
                    "routed": True,
                },
            )
        )
    RequestEvent.objects.bulk_create(events, batch_size=1000)
    counter.last_number = first + count - 1
    counter.save(update_fields=["last_number"])
    return [request.pk for request in requests]


# --- what was written ---------------------------------------------------------------------


def ledger_steps() -> Counter:
    """(request number, level position) of every ledger row."""
    return Counter(Escalation.objects.values_list("request__number", "level__position"))


def event_steps() -> Counter:
    return Counter(
        (number, data["level"])
        for number, data in RequestEvent.objects.filter(kind="escalation").values_list(
            "request__number", "data"
        )
    )


def notification_steps() -> Counter:
    steps = Counter()
    for subject in Notification.objects.filter(kind="request_escalated").values_list(
        "subject", flat=True
    ):
        match = SUBJECT.match(subject)
        assert match, subject
        steps[(match["number"], int(match["level"]))] += 1
    return steps


def assert_each_step_once(numbers: list[str], levels: list[int]) -> None:
    """Each request has each level once in the ledger, on its timeline and in the outbox
    (every level here notifies exactly one person), and nothing else was written."""
    expected = Counter({(number, level): 1 for number in numbers for level in levels})
    assert ledger_steps() == expected
    assert event_steps() == expected
    assert notification_steps() == expected


def test_seeded_rows_are_what_filing_stores(org, policy, around_the_clock):
    """`file_many` is a fast stand-in for `request_submit`: the same stored fields."""
    filed_at = timezone.now() - timedelta(hours=1)
    filed = file_laptop(org, filed_at)
    [seeded] = file_many(org, around_the_clock, count=1, filed_at=filed_at)
    ignore = {"id", "number", "sequence", "subject"}
    fields = [f.attname for f in Request._meta.concrete_fields if f.attname not in ignore]

    def stored(pk: int) -> dict:
        return Request.objects.values(*fields).get(pk=pk)

    assert stored(seeded) == stored(filed.pk)
    assert list(
        RequestEvent.objects.filter(request_id=seeded).values_list("kind", "actor", "data")
    ) == list(RequestEvent.objects.filter(request=filed).values_list("kind", "actor", "data"))


def test_a_worker_down_for_two_hours_fires_each_overdue_step_once(
    org, policy, director, around_the_clock, tmp_path
):
    now = timezone.now()
    filed_at = now - timedelta(hours=5, minutes=10)
    items = [file_laptop(org, filed_at) for _ in range(10)]
    # The worker ran until two hours ago (3 h 10 min after filing: level 1 fired) ...
    stopped_at = now - timedelta(hours=2)
    sla_tick(now=stopped_at)
    assert escalation_tick(now=stopped_at) == 10
    # ... and is started again now: levels 2 (due at 4 h) and 3 (5 h) are overdue.
    assert worker_once(tmp_path)["escalation"] == 20
    assert worker_once(tmp_path)["escalation"] == 0

    numbers = [item.number for item in items]
    assert_each_step_once(numbers, [1, 2, 3])
    assert len(Notification.objects.filter(recipient=director, kind="request_escalated")) == 10
    restarted = Escalation.objects.filter(level__position__in=[2, 3])
    assert {fired_at >= now for fired_at in restarted.values_list("fired_at", flat=True)} == {True}
    for item in Request.objects.filter(pk__in=[item.pk for item in items]):
        # Level 3's actions ran once: one step of priority, the backup took over.
        assert (item.priority, item.assignee_id) == (Priority.P2, org.it_backup.pk)
        assert item.next_escalation_at == filed_at + timedelta(hours=8)  # silence, still ahead
    assert RequestEvent.objects.filter(kind="priority").count() == 10


def test_two_workers_at_once_fire_every_step_of_a_thousand_requests_once(
    org, policy, around_the_clock, ticker, tmp_path
):
    now = timezone.now()
    filed_at = now - timedelta(hours=4, minutes=30)  # levels 1 and 2 are due, 3 is not
    ids = file_many(org, around_the_clock, count=1000, filed_at=filed_at)
    go = tmp_path / "go"
    workers = [
        ticker("--batch-size", "20", "--ready", str(tmp_path / f"ready{n}"), "--go", str(go))
        for n in range(2)
    ]
    for n, process in enumerate(workers):
        wait_until((tmp_path / f"ready{n}").exists, what=f"worker {n} connected", process=process)
    go.touch()
    fired = [fired_by(process) for process in workers]

    assert sum(fired) == 2000
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: both really worked, on rows the other had not locked.
        assert min(fired) > 0, fired
    numbers = list(Request.objects.filter(pk__in=ids).values_list("number", flat=True))
    assert_each_step_once(numbers, [1, 2])
    assert Escalation.objects.count() == 2000
    assert RequestEvent.objects.filter(kind="escalation").count() == 2000
    assert Notification.objects.filter(kind="request_escalated").count() == 2000
    # Every request now waits for level 3, and no worker left one behind.
    assert set(Request.objects.values_list("next_escalation_at", flat=True)) == {
        filed_at + LEVEL_DUE[3]
    }


def test_a_worker_killed_mid_tick_loses_nothing_and_repeats_nothing(
    org, policy, around_the_clock, ticker, tmp_path
):
    now = timezone.now()
    filed_at = now - timedelta(hours=4, minutes=30)  # levels 1 and 2 are due
    ids = file_many(org, around_the_clock, count=300, filed_at=filed_at)
    hang = tmp_path / "hang"
    worker = ticker("--batch-size", "20", "--hang-after", "3", "--hang-file", str(hang))
    wait_until(hang.exists, what="the third batch written", process=worker)
    # Two batches committed; the third wrote its rows but has not committed.
    assert json.loads(hang.read_text())["fired"] == 40
    assert Escalation.objects.count() == 80
    assert RequestEvent.objects.filter(kind="escalation").count() == 80
    assert Notification.objects.filter(kind="request_escalated").count() == 80
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    backend = json.loads(hang.read_text())["backend_pid"]
    if backend is not None:
        # PostgreSQL rolls the dead client's transaction back once it sees the socket close.
        def gone() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
                return cursor.fetchone()[0] == 0

        wait_until(gone, seconds=30, what="the killed worker's session ended")
    # Still 80: the killed batch left nothing behind.
    assert Escalation.objects.count() == 80
    assert Request.objects.filter(next_escalation_at__lte=now).count() == 300 - 40

    assert worker_once(tmp_path)["escalation"] == 600 - 80
    assert worker_once(tmp_path)["escalation"] == 0
    numbers = list(Request.objects.filter(pk__in=ids).values_list("number", flat=True))
    assert_each_step_once(numbers, [1, 2])
    # Each step's ledger row, timeline entry and notification were written together.
    rows = Escalation.objects.values_list("request_id", "level__position", "fired_at")
    events = {
        (request_id, data["level"], created_at)
        for request_id, data, created_at in RequestEvent.objects.filter(
            kind="escalation"
        ).values_list("request_id", "data", "created_at")
    }
    assert set(rows) == events
    created = set(
        Notification.objects.filter(kind="request_escalated").values_list("created_at", flat=True)
    )
    assert created == {fired_at for _, _, fired_at in rows}

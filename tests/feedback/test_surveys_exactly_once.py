"""Two workers opening the same due surveys at once open each of them once: one notification
per survey, every survey open, and the two counts add up to the number of surveys.

The workers are real processes against the test database (`python -m
tests.feedback.survey_helpers`, the survey opening alone, in small batches), as in
tests/escalation/test_exactly_once.py, whose process helpers this test uses: on PostgreSQL
a batch one worker holds is skipped by the other (`SKIP LOCKED`), on SQLite they queue on
the write lock and the claim re-reads each row's status.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from staffdesk.directory.models import Person
from staffdesk.feedback.models import Survey
from staffdesk.feedback.services.surveys import KIND
from staffdesk.notifications.models import Notification
from tests.escalation.test_exactly_once import ROOT, child_env, wait_until
from tests.feedback.survey_helpers import file_laptop, resolve

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 600


@pytest.fixture
def due(org) -> list[int]:
    """A resolved request and 600 due surveys of it (bulk-written, one person each, without
    email addresses so that nothing is mailed): their ids."""
    now = timezone.now()
    item = file_laptop(org, now=now - timedelta(days=2))
    item = resolve(item, by=org.it_agent, now=now - timedelta(days=1))
    Person.objects.bulk_create(
        [
            Person(username=f"staff{n:04d}", first_name="Staff", last_name=f"{n:04d}", password="!")
            for n in range(PEOPLE)
        ]
    )
    people = Person.objects.filter(username__startswith="staff")
    Survey.objects.filter(request=item).delete()
    Survey.objects.bulk_create(
        [
            Survey(
                request=item,
                person=person,
                department=org.it,
                service=org.laptop,
                resolved_at=item.resolved_at,
                due_at=now - timedelta(hours=1),
            )
            for person in people
        ]
    )
    return sorted(Survey.objects.values_list("pk", flat=True))


def test_two_workers_at_once_open_each_survey_once(due, tmp_path):
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.feedback.survey_helpers",
                "--ready",
                str(tmp_path / f"ready{n}"),
                "--go",
                str(go),
                "--batch-size",
                "25",
            ],
            cwd=ROOT,
            env=child_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        for n, process in enumerate(workers):
            wait_until(
                (tmp_path / f"ready{n}").exists, what=f"worker {n} connected", process=process
            )
        go.touch()
        results = []
        for process in workers:
            out, err = process.communicate(timeout=180)
            assert process.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1])["opened"])
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=30)

    assert sum(results) == len(due), results
    assert min(results) > 0, results  # both really worked on them
    assert set(Survey.objects.values_list("status", flat=True)) == {Survey.Status.OPEN}
    told = Counter(Notification.objects.filter(kind=KIND).values_list("thread_key", flat=True))
    assert told == Counter({f"survey-{pk}": 1 for pk in due})

"""On SQLite a transaction takes the write lock at BEGIN; waiting for it retries every few
milliseconds, up to the connection's timeout, then fails with SQLite's own error."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from staffdesk.directory.models import Department

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's write lock (PostgreSQL locks rows)"
)


def _hold_write_lock(seconds: float, taken: threading.Event) -> None:
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_writer_waits_for_the_lock_and_then_writes(transactional_db):
    # How soon after the release it gets the lock is measured in `make bench` (the
    # creates' p99), not here.
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(0.3, taken))
    holder.start()
    taken.wait(5)
    assert holder.is_alive()  # the lock is held as the transaction begins
    with transaction.atomic():
        Department.objects.create(code="WAIT", name="Waited")
    holder.join()
    assert Department.objects.filter(code="WAIT").exists()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000  # statements outside transactions wait as before


def test_a_lock_held_past_the_timeout_fails_with_sqlites_error(transactional_db):
    options = connection.settings_dict["OPTIONS"]
    connection.close()
    connection.settings_dict["OPTIONS"] = {**options, "timeout": 0.2}
    try:
        taken = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(1.0, taken))
        holder.start()
        taken.wait(5)
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(),
        ):
            Department.objects.create(code="LATE", name="Too late")
        holder.join()
    finally:
        connection.close()
        connection.settings_dict["OPTIONS"] = options
    assert not Department.objects.filter(code="LATE").exists()

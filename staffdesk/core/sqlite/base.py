"""Django's SQLite backend, taking the write lock with short waits.

Every transaction starts with `BEGIN IMMEDIATE` (settings.py), so writers queue for the
database's one write lock. SQLite's own busy handler waits 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
50, 100 ms between tries: a writer that just missed a lock held for 2 ms sleeps on while
others take it, and under concurrent filing the slowest creates waited most of a second
(docs/performance.md). Here the BEGIN retries every 0.2 to 2 ms instead, up to the same
timeout; statements outside a transaction keep SQLite's handler (`busy_timeout`).
"""

from __future__ import annotations

import sqlite3
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# Between tries of BEGIN IMMEDIATE: doubling from the first to the last, then the last.
FIRST_WAIT = 0.0002
LONGEST_WAIT = 0.002


class DatabaseWrapper(base.DatabaseWrapper):
    # Django's own attribute and method, which its type stubs do not declare.
    transaction_mode: str | None

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode is None:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        raw = self.connection
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + timeout
            wait = FIRST_WAIT
            while True:
                try:
                    # Through Django's cursor, as Django's BEGIN goes (it is logged as a query).
                    self.cursor().execute(f"BEGIN {self.transaction_mode}")
                    return
                except OperationalError as exc:
                    if not _locked(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def _locked(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return isinstance(cause, sqlite3.OperationalError) and getattr(
        cause, "sqlite_errorcode", None
    ) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

"""A worker process for the fan-out's exactly-once tests: the announcements' fan-out
(`broadcast_tick`, what `announcements_tick` runs every tick) in its own process, ticking
until no broadcast is left unfinished.

    python -m tests.announcements.fanout_worker [--batch-size N] [--tick-seconds S]
        [--pause S] [--ready FILE --go FILE] [--hang-in-batch N --hang-file FILE]

--batch-size replaces `broadcast.BATCH_SIZE` (default: the product's); --tick-seconds is each
tick's budget (default `broadcast.TICK_SECONDS`; 0: one batch a tick) and --pause the wait
between ticks, so that two of these take turns. With --ready/--go it connects, creates
FILE --ready and waits for --go to exist, so the test can start several at the same instant.
With --hang-in-batch N it stops inside its Nth batch's transaction, after the batch's
notifications are written but before the cursor moves and the batch commits, writes
--hang-file (JSON: the database backend's pid, how many notifications the batch wrote) and
sleeps until it is killed. Its last line is JSON: how many people it told, in how many
batches.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from staffdesk.notifications.models import Notification

DEADLINE_SECONDS = 120


def _wait_for(path: Path, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear within {seconds} s")
        time.sleep(0.005)


def _count_batches(hang_in: int, signal_file: Path | None) -> list[int]:
    """Wrap the fan-out's write of a batch's notifications: count the batches and, with
    `hang_in`, stop in that one before it commits. Returns the counter (one item)."""
    from django.db import connection

    from staffdesk.announcements.services import broadcast

    real_create_many = broadcast.notification_create_many
    batches = [0]

    def create_many(**kwargs: Any) -> list[Notification]:
        written = real_create_many(**kwargs)
        batches[0] += 1
        if batches[0] == hang_in and signal_file is not None:
            backend = getattr(connection.connection, "info", None)
            pid = backend.backend_pid if backend is not None else None
            # Written whole then renamed: the test waits for the file to exist and reads it.
            partial = signal_file.with_suffix(".partial")
            partial.write_text(json.dumps({"backend_pid": pid, "written": len(written)}))
            partial.rename(signal_file)
            time.sleep(600)  # killed here
        return written

    broadcast.notification_create_many = create_many
    return batches


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=0)
    parser.add_argument("--tick-seconds", type=float, default=None)
    parser.add_argument("--pause", type=float, default=0.0)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--go", type=Path)
    parser.add_argument("--hang-in-batch", type=int, default=0)
    parser.add_argument("--hang-file", type=Path)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    from django.db import connection

    from staffdesk.announcements.models import Broadcast
    from staffdesk.announcements.services import broadcast

    if args.batch_size:
        broadcast.BATCH_SIZE = args.batch_size
    seconds = broadcast.TICK_SECONDS if args.tick_seconds is None else args.tick_seconds
    batches = _count_batches(args.hang_in_batch, args.hang_file)
    if args.ready:
        connection.ensure_connection()
        args.ready.touch()
        _wait_for(args.go)
    told = 0
    deadline = time.monotonic() + DEADLINE_SECONDS
    # As the worker loop does, tick after tick (without its interval) until all is told.
    while Broadcast.objects.filter(finished_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"broadcasts still unfinished after {DEADLINE_SECONDS} s")
        told += broadcast.broadcast_tick(seconds=seconds)
        time.sleep(args.pause)
    print(json.dumps({"told": told, "batches": batches[0]}), flush=True)


if __name__ == "__main__":
    main()

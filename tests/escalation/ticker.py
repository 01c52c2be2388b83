"""A worker process for the exactly-once tests: one `escalation_tick` in its own process.

    python -m tests.escalation.ticker --batch-size 20 [--ready FILE --go FILE]
                                      [--hang-after N --hang-file FILE]

With --ready/--go it connects, creates FILE --ready and waits for --go to exist, so the test
can start several of them at the same instant. With --hang-after N it stops inside the Nth
batch's transaction, after the batch's rows are written but before they commit, writes
--hang-file (JSON: the database backend's pid) and sleeps until it is killed. It prints the
number of levels it fired as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def _wait_for(path: Path, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear within {seconds} s")
        time.sleep(0.005)


def _hang_in_batch(number: int, signal_file: Path) -> None:
    """Make the `number`th batch of this process stop before its transaction commits."""
    from django.db import connection

    from staffdesk.escalation.services.firing import Firing

    real_flush = Firing.flush
    flushed = 0

    def flush(self: Firing) -> int:
        nonlocal flushed
        fired = real_flush(self)
        flushed += 1
        if flushed == number:
            backend = getattr(connection.connection, "info", None)
            pid = backend.backend_pid if backend is not None else None
            # Written whole then renamed: the test waits for the file to exist and reads it.
            partial = signal_file.with_suffix(".partial")
            partial.write_text(json.dumps({"backend_pid": pid, "fired": fired}))
            partial.rename(signal_file)
            time.sleep(600)  # killed here
        return fired

    Firing.flush = flush  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--go", type=Path)
    parser.add_argument("--hang-after", type=int, default=0)
    parser.add_argument("--hang-file", type=Path)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    import django

    django.setup()
    from django.db import connection

    from staffdesk.escalation.services import escalation_tick

    if args.hang_after:
        _hang_in_batch(args.hang_after, args.hang_file)
    if args.ready:
        connection.ensure_connection()
        args.ready.touch()
        _wait_for(args.go)
    print(escalation_tick(batch_size=args.batch_size), flush=True)


if __name__ == "__main__":
    main()

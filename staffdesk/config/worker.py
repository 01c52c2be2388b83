"""The worker loop: delivers the outbox (and, as apps add them, runs their due timers)."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connections

from staffdesk.announcements.services.tick import announcements_tick
from staffdesk.escalation.services import escalation_tick
from staffdesk.feedback.services.tick import feedback_tick
from staffdesk.notifications.services import notification_deliver_due
from staffdesk.requests.sla.tick import sla_tick

logger = logging.getLogger("staffdesk.worker")

# Each task runs once per tick and returns how many items it handled.
TASKS: list[tuple[str, Callable[[], int]]] = [
    ("sla", sla_tick),
    ("escalation", escalation_tick),
    # Before the email: the notifications a fan-out writes are mailed in the same tick.
    ("announcements", announcements_tick),
    ("feedback", feedback_tick),
    ("email", notification_deliver_due),
]


def tick() -> dict[str, int]:
    """Run every task once; a failing task is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, task in TASKS:
        close_old_connections()
        try:
            done[name] = task()
        except Exception:
            logger.exception("worker task %s failed; it will run again next tick", name)
            done[name] = 0
    close_old_connections()
    return done


def next_tick(started: float, now: float, interval: float) -> float:
    """When the tick after one that started at `started` starts: one interval after it, so
    that due work waits at most one interval for a claim however long the tick took; at
    once when the tick outlasted the interval (the missed starts are not made up)."""
    return max(started + interval, now)


def run(stop: threading.Event, *, interval: float) -> None:
    logger.info("worker started (every %.1f s)", interval)
    # Workers started together would claim at the same instants for ever (a tick starts
    # every interval, not an interval after the last one ended): a random phase spreads
    # them, so that with several the wait for the next claim is shorter.
    stop.wait(random.uniform(0, interval))
    try:
        while not stop.is_set():
            started = time.monotonic()
            handled = tick()
            if any(handled.values()):
                logger.info("worker: %s", ", ".join(f"{k} {v}" for k, v in handled.items() if v))
            stop.wait(next_tick(started, time.monotonic(), interval) - time.monotonic())
    finally:
        # This thread's connections; with CONN_MAX_AGE they would outlive a stopped loop.
        connections.close_all()
    logger.info("worker stopped")

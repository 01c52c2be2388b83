"""The worker loop: delivers the outbox (and, as apps add them, runs their due timers)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

from staffdesk.escalation.services import escalation_tick
from staffdesk.notifications.services import notification_deliver_due
from staffdesk.requests.sla.tick import sla_tick

logger = logging.getLogger("staffdesk.worker")

# Each task runs once per tick and returns how many items it handled.
TASKS: list[tuple[str, Callable[[], int]]] = [
    ("sla", sla_tick),
    ("escalation", escalation_tick),
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


def run(stop: threading.Event, *, interval: float) -> None:
    logger.info("worker started (every %.1f s)", interval)
    try:
        while not stop.is_set():
            handled = tick()
            if any(handled.values()):
                logger.info("worker: %s", ", ".join(f"{k} {v}" for k, v in handled.items() if v))
            stop.wait(interval)
    finally:
        # This thread's connections; with CONN_MAX_AGE they would outlive a stopped loop.
        connections.close_all()
    logger.info("worker stopped")

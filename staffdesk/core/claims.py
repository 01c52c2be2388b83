"""Claiming due rows in batches, so several workers share the work and none does it twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import connection, models, transaction


def process_due(
    model: type[models.Model],
    due_field: str,
    *,
    now: datetime,
    batch_size: int,
    skip: set[int],
    process: Callable[[list[int]], None],
) -> None:
    """Call `process` with the ids of the rows whose `due_field` has passed, a batch at a time,
    each batch in a transaction of its own (durable: never inside a caller's, so a batch is
    committed when `process` returns and a failure loses only that batch).

    Rows are claimed through the index on `due_field`, so an idle run is one index probe. On
    PostgreSQL they are locked with `SKIP LOCKED`, so workers running at once take different
    rows; SQLite's write lock serializes them. Ids in `skip` (which `process` may add to) are
    left alone, so a row whose due time is still past after processing is not taken again
    in the same run. Stops after a batch smaller than `batch_size`.
    """
    while True:
        with transaction.atomic(durable=True):
            due = (
                model._default_manager.filter(**{f"{due_field}__lte": now})
                .exclude(pk__in=skip)
                .order_by(due_field)
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            # Ids first: an idle run is this one small query, and the rows (with whatever
            # `process` reads) are loaded only when some are due.
            claimed = list(due.values_list("pk", flat=True)[:batch_size])
            if claimed:
                process(claimed)
        if len(claimed) < batch_size:
            return

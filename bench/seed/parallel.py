"""The generated requests' clocks, computed on every core while the main process loads rows.

The SLA clocks and escalation replay (`history.clock_columns`) are pure and cost about as
much as generating and loading the rows together. Forked worker processes compute them
from what they inherit (the levels, their calendars built beforehand, the timeline); they
never use the database connection they also inherit, and leave through `os._exit` as
multiprocessing's workers do, so it is never closed under the main process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from bench.seed.history import Timeline, clock_columns
from bench.seed.service_levels import ServiceLevels

_inherited: tuple[ServiceLevels, Timeline] | None = None


def _columns(inputs: list[tuple]) -> list[tuple]:
    assert _inherited is not None
    return clock_columns(*_inherited, inputs)


class Clocks:
    """`submit(inputs)` starts a chunk's clock columns, `result(pending)` waits for them.

    With `workers` 0 they are computed in the calling process, in `result`: the same
    function on the same inputs, so the rows do not depend on it.
    """

    def __init__(self, levels: ServiceLevels, timeline: Timeline, *, workers: int) -> None:
        global _inherited
        self.levels, self.timeline, self.workers = levels, timeline, workers
        self.pool: ProcessPoolExecutor | None = None
        if workers:
            _inherited = (levels, timeline)  # before the fork
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork")
            )

    def __enter__(self) -> Clocks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _inherited
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        _inherited = None

    def submit(self, inputs: list[tuple]) -> list[Future] | list[tuple]:
        if self.pool is None:
            return inputs
        size = -(-len(inputs) // self.workers)
        return [
            self.pool.submit(_columns, inputs[start : start + size])
            for start in range(0, len(inputs), size)
        ]

    def result(self, pending: list[Future] | list[tuple]) -> list[tuple]:
        if self.pool is None:
            return clock_columns(self.levels, self.timeline, pending)  # type: ignore[arg-type]  # no pool: submit gave back the inputs
        columns: list[tuple] = []
        for part in pending:
            columns += part.result()  # type: ignore[union-attr]  # a pool: submit gave futures
        return columns

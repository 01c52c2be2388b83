"""A time zone's UTC offset as stretches of constant offset, in integer microseconds.

`zoneinfo` answers "what is the offset at this instant" but does not list its transitions,
so they are found by probing: every 6 hours through a 32-day block, then bisecting to the
second where the offset changed (tz data changes offsets on whole seconds). Blocks are
cached per zone, so a block costs its probes (~0.2 ms) once per process. This assumes a
zone never changes its offset twice within 6 hours, which no zone in the tz database does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

SECOND = 1_000_000
DAY = 86_400 * SECOND
ONE_MICROSECOND = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_BLOCK = 32 * DAY
_PROBE = 6 * 3_600 * SECOND


def to_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given where an aware one is required")
    return (moment - EPOCH) // ONE_MICROSECOND


def from_micros(value: int) -> datetime:
    """The aware UTC datetime `value` microseconds after the Unix epoch."""
    return EPOCH + timedelta(microseconds=value)


def _offset(zone: ZoneInfo, instant: int) -> int:
    offset = from_micros(instant).astimezone(zone).utcoffset()
    assert offset is not None
    return offset // ONE_MICROSECOND


@lru_cache(maxsize=4096)
def _block(zone_key: str, index: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The offset at the block's first instant and each (instant, new offset) change inside it."""
    zone = ZoneInfo(zone_key)
    start = index * _BLOCK
    first = _offset(zone, start)
    changes: list[tuple[int, int]] = []
    known_at, known = start, first
    probe = start + _PROBE
    while probe <= start + _BLOCK:  # the last probe is the next block's first instant
        value = _offset(zone, probe)
        if value != known:
            low, high = known_at, probe  # offset(low) == known, offset(high) != known
            while high - low > SECOND:
                middle = low + (high - low) // SECOND // 2 * SECOND
                if _offset(zone, middle) == known:
                    low = middle
                else:
                    high = middle
            changes.append((high, value))
        known_at, known = probe, value
        probe += _PROBE
    return first, tuple(changes)


def segment(zone_key: str, instant: int) -> tuple[int, int, int]:
    """(start, end, offset): a stretch [start, end) around `instant` with one UTC offset.

    The stretch may end early (at a block boundary) with the same offset continuing after it.
    """
    index = instant // _BLOCK
    offset, changes = _block(zone_key, index)
    start = index * _BLOCK
    end = start + _BLOCK
    for changed_at, value in changes:
        if changed_at <= instant:
            start, offset = changed_at, value
        else:
            end = changed_at
            break
    return start, end, offset

"""Hypothesis strategies: random calendars (zones with DST quirks), starts and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st

from staffdesk.sla.businesstime import CalendarSpec

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute DST
    "Asia/Kolkata",  # +05:30, no DST
    "America/Santiago",  # falls back from Sunday 00:00 to Saturday 23:00
    "Asia/Beirut",  # likewise, across midnight
    "Pacific/Chatham",  # +12:45 / +13:45
    "UTC",
]
# 2026 DST changes of those zones: starts near them are drawn often.
TRANSITION_DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 4),
    date(2026, 4, 5),
    date(2026, 9, 6),
    date(2026, 9, 27),
    date(2026, 10, 4),
    date(2026, 10, 24),
    date(2026, 10, 25),
    date(2026, 11, 1),
]
FIRST_DAY, LAST_DAY = date(2025, 12, 1), date(2027, 3, 1)


def _clock(minutes: int) -> time:
    return time(0) if minutes == 1440 else time(minutes // 60, minutes % 60)


@st.composite
def day_hours(draw, grid: int) -> tuple[tuple[time, time], ...]:
    """0 to 3 sorted, non-overlapping intervals on a grid of `grid` minutes (end 00:00 = 24:00)."""
    count = draw(st.integers(0, 3))
    points = draw(
        st.lists(st.integers(0, 1440 // grid), min_size=2 * count, max_size=2 * count, unique=True)
    )
    points = sorted(p * grid for p in points)
    return tuple((_clock(points[i]), _clock(points[i + 1])) for i in range(0, len(points), 2))


@st.composite
def calendars(draw, grid: int = 15) -> CalendarSpec:
    zone = draw(st.sampled_from(ZONES))
    closed = draw(st.lists(st.dates(FIRST_DAY, LAST_DAY), max_size=12))
    if draw(st.booleans()):  # a long closure, e.g. a holiday shutdown
        first = draw(st.dates(FIRST_DAY, LAST_DAY))
        closed += [first + timedelta(days=i) for i in range(draw(st.integers(1, 16)))]
    if draw(st.integers(0, 7)) == 0:
        return CalendarSpec(time_zone=zone, always_open=True, holidays=frozenset(closed))
    weekly = tuple(draw(day_hours(grid)) for _ in range(7))
    if not any(weekly):
        weekly = (((time(9), time(17)),), *weekly[1:])
    return CalendarSpec(time_zone=zone, weekly=weekly, holidays=frozenset(closed))


@st.composite
def starts(draw, grid: int | None = None) -> datetime:
    """An aware instant in 2026, often within days of a DST change; on the grid if given."""
    if draw(st.booleans()):
        day = draw(st.sampled_from(TRANSITION_DAYS)) + timedelta(days=draw(st.integers(-3, 2)))
    else:
        day = draw(st.dates(date(2026, 1, 1), date(2026, 12, 31)))
    base = datetime.combine(day, time(0), tzinfo=UTC)
    if grid is not None:
        return base + timedelta(minutes=grid * draw(st.integers(0, 1440 // grid - 1)))
    return base + timedelta(microseconds=draw(st.integers(0, 86_400_000_000 - 1)))


def durations(grid: int | None = None, max_hours: int = 120) -> st.SearchStrategy[timedelta]:
    if grid is not None:
        return st.integers(0, max_hours * 60 // grid).map(lambda n: timedelta(minutes=grid * n))
    return st.integers(0, max_hours * 3_600_000_000).map(lambda n: timedelta(microseconds=n))

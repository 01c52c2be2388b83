"""What the in-process scenarios (bench/announcements.py, bench/feedback.py) report: the
spread of their timings and their targets, met or not."""

from __future__ import annotations

import statistics


def spread(values: list[float], digits: int = 2) -> dict:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), digits),
        "p95": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "runs": len(ordered),
    }


def target(name: str, what: str, measured: float, limit: float, unit: str) -> dict:
    return {
        "name": name,
        "what": what,
        "measured": measured,
        "limit": limit,
        "unit": unit,
        "met": measured <= limit,
    }

"""bench/feedback.py, issue 16's scenarios, run on a small seed: every target is measured and
reported (no figure is asserted: performance is measured by `make bench`, not by tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from bench import feedback
from bench.seed import BENCH_AGENT, BENCH_EMPLOYEE, bench_seed
from staffdesk.directory.models import Person
from staffdesk.feedback.models import Survey
from staffdesk.requests.models import RequestEvent

NOW = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)
END = NOW.replace(hour=0, minute=0)
SCALE = 0.02
TARGETS = {
    "board_ms",
    "board_department_ms",
    "queue_lead_ms",
    "queue_agent_ms",
    "rating_ms",
    "tick_ms",
}


def test_the_feedback_scenarios_report_every_target(db):
    bench_seed(requests=3000, scale=SCALE, seed=3, now=NOW)
    replies_before = RequestEvent.objects.filter(kind="reply").count()
    # An hour after the end of the seeded history, as `make bench` runs it the same day.
    with time_machine.travel(END + timedelta(hours=1), tick=True):
        result = feedback.measure(
            employee=Person.objects.get(username=BENCH_EMPLOYEE),
            agent=Person.objects.get(username=BENCH_AGENT),
            now=END,
            runs=1,
        )
    targets = {target["name"]: target for target in result["targets"]}
    assert set(targets) == TARGETS
    for target in targets.values():
        assert target["measured"] > 0 and target["limit"] > 0
        assert target["met"] == (target["measured"] <= target["limit"])
    # The rating's limit is the reply's own median, measured alongside.
    assert targets["rating_ms"]["limit"] == result["reply"]["ms"]["median"]
    for measured in (
        result["board"]["all"],
        result["board"]["department"],
        result["queue"]["lead"],
        result["queue"]["agent"],
        result["rating"],
        result["reply"],
    ):
        assert measured["queries"] > 0
        assert measured["ms"]["runs"] >= 20
    assert result["board"]["department"]["code"]
    assert result["tick"]["feedback_tick"]["ms"]["runs"] >= 100
    # Nothing was due at the end of the history: the tick handled nothing.
    assert result["tick"]["feedback_tick"]["handled"] == 0
    assert result["dataset"]["suggestions"] == 2000
    # The ratings (first ones, or changes) and replies were real writes.
    assert Survey.objects.filter(rated_at__gt=END, rating=feedback.RATING["rating"]).exists()
    assert RequestEvent.objects.filter(kind="reply").count() >= replies_before + 20

    printed = feedback.lines(result)
    for target in targets.values():
        verdict = "met" if target["met"] else "NOT met"
        assert any(line.endswith(f"{target['unit']}: {verdict}") for line in printed)
    assert sum(line.endswith("met") for line in printed) == len(TARGETS)
    assert any("plan, surveys_open_due" in line for line in printed)

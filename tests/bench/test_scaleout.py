"""The scale-out run's arithmetic: lag, work done twice, loads summed, worker logs, mail."""

from datetime import UTC, datetime, timedelta

import pytest

from bench.scaleout import (
    Traced,
    duplicates,
    first_per_transaction,
    lag_summary,
    lags,
    message_ids,
    percentile,
    sum_loads,
    worker_log_summary,
)

T0 = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_lag_is_done_minus_due_in_seconds():
    assert lags([(at(0), at(1.5)), (at(10), at(10.25))]) == [1.5, 0.25]


def test_lag_summary_counts_the_work_over_the_interval():
    summary = lag_summary([0.5, 1.0, 1.9, 2.0, 2.5], interval=2.0)
    assert summary == {
        "count": 5,
        "p50_s": 1.9,
        "p99_s": 2.5,
        "max_s": 2.5,
        # Done exactly one interval late is within it.
        "over_interval": 1,
    }


def test_lag_summary_of_no_work_has_no_figures():
    assert lag_summary([], interval=2.0) == {
        "count": 0,
        "p50_s": None,
        "p99_s": None,
        "max_s": None,
        "over_interval": 0,
    }


@pytest.mark.parametrize(("share", "expected"), [(50, 50), (99, 99), (100, 100), (1, 1), (0.5, 1)])
def test_percentile_is_the_nearest_rank(share, expected):
    assert percentile([float(v) for v in range(100, 0, -1)], share) == expected


def test_one_late_item_in_a_hundred_is_the_p99():
    values = [0.1] * 99 + [9.0]
    assert percentile(values, 99) == 0.1
    assert lag_summary(values, interval=2.0)["max_s"] == 9.0


def test_duplicates_counts_the_rows_beyond_the_first_of_each_key():
    assert duplicates([]) == 0
    assert duplicates([(1, 7), (1, 8), (2, 7)]) == 0
    # Request 1's level 7 twice and request 2's level 7 three times: three rows too many.
    assert duplicates([(1, 7), (1, 7), (2, 7), (2, 7), (2, 7)]) == 3


def test_one_transaction_moving_a_due_time_twice_is_one_piece_of_work():
    # An escalation action refreshes the clocks (next_escalation_at moved) and the tick then
    # stores the next instant: two trace rows in one transaction.
    rows = [
        Traced(1, "escalation", at(0), at(0.7), txid=10),
        Traced(1, "escalation", at(0), at(0.5), txid=10),
        Traced(1, "sla", at(0), at(0.6), txid=10),
        Traced(2, "escalation", at(0), at(0.4), txid=11),
    ]
    work = first_per_transaction(rows)
    assert sorted((r.request_id, r.clock, r.done_at) for r in work) == [
        (1, "escalation", at(0.5)),
        (1, "sla", at(0.6)),
        (2, "escalation", at(0.4)),
    ]
    assert duplicates((r.request_id, r.clock, r.due_at) for r in work) == 0


def test_the_same_due_time_done_by_two_transactions_is_done_twice():
    rows = [
        Traced(1, "sla", at(0), at(0.5), txid=10),
        Traced(1, "sla", at(0), at(0.6), txid=11),  # another worker, the same due check
    ]
    work = first_per_transaction(rows)
    assert duplicates((r.request_id, r.due_at) for r in work) == 1


def wrk(rps, requests, p50, p99, **errors):
    return {
        "rps": rps,
        "requests": requests,
        "p50_ms": p50,
        "p95_ms": p99,
        "p99_ms": p99,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0} | errors,
    }


def test_loads_run_at_once_add_their_throughput_and_keep_the_worst_latency():
    total = sum_loads([wrk(100.5, 3015, 10.0, 40.0), wrk(50.25, 1507, 20.0, 35.0, status=2)])
    assert total["rps"] == 150.75
    assert total["requests"] == 4522
    assert total["errors"] == 2
    assert total["errors_by_kind"]["status"] == 2
    assert (total["worst_p50_ms"], total["worst_p99_ms"]) == (20.0, 40.0)


def test_worker_log_summary_adds_up_ticks_and_keeps_problems():
    text = "\n".join(
        [
            "2026-12-03 13:00:00,001 INFO staffdesk.worker worker started (every 2.0 s)",
            "2026-12-03 13:00:02,001 INFO staffdesk.worker worker: sla 3, escalation 40",
            "2026-12-03 13:00:04,001 INFO staffdesk.worker worker: escalation 2, email 12",
            "2026-12-03 13:00:05,001 WARNING staffdesk.notifications email for notification "
            "9 failed (attempt 1): SMTPServerDisconnected",
            "2026-12-03 13:00:06,001 ERROR staffdesk.worker worker task sla failed; it will "
            "run again next tick",
            "Traceback (most recent call last):",
        ]
    )
    summary = worker_log_summary(text)
    assert summary["handled"] == {"sla": 3, "escalation": 42, "email": 12}
    assert summary["problems"] == 3
    assert summary["first_problems"][0].endswith("SMTPServerDisconnected")


def test_a_quiet_worker_log_has_no_problems():
    summary = worker_log_summary("2026-12-03 13:00:00,001 INFO staffdesk.worker worker stopped\n")
    assert summary == {"handled": {}, "problems": 0, "first_problems": []}


def test_message_ids_of_a_mail_file():
    text = (
        "Content-Type: text/plain\nSubject: [IT-1] Escalated\nMessage-ID: <n1.a@x>\n\nbody\n"
        + "-" * 79
        + "\nSubject: [IT-2] Escalated\nMessage-ID: <n2.a@x>\n\nMessage-ID: <quoted@x> in a body "
        "is not a header\n" + "-" * 79 + "\n"
    )
    assert message_ids(text) == ["<n1.a@x>", "<n2.a@x>"]
    assert duplicates(message_ids(text + text)) == 2

"""The worker starts a tick every interval, not an interval after the last one ended."""

from staffdesk.config.worker import next_tick


def test_the_next_tick_starts_one_interval_after_the_last_one_started():
    # A tick that took 0.5 s of a 2 s interval: the next starts 1.5 s after it ended, so
    # work falling due just after a claim waits one interval, not one plus the tick.
    assert next_tick(started=100.0, now=100.5, interval=2.0) == 102.0


def test_a_tick_longer_than_the_interval_is_followed_at_once():
    assert next_tick(started=100.0, now=103.5, interval=2.0) == 103.5

"""Hypothesis runs derandomized here: the same examples on every run and machine, no database."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "staffdesk",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("staffdesk")

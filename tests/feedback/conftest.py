"""Fixtures of the feedback tests (each part keeps its helpers in its own module)."""

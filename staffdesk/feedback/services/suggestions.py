"""The suggestion box: every write."""

from __future__ import annotations

NEW_KIND = "suggestion_new"
UPDATE_KIND = "suggestion_update"
HELP_KIND = "suggestion_help"

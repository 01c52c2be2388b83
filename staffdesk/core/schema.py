"""Whether the database has every table this version needs, told in words."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "The database is not set up for this version of staffdesk"
HOW_TO_FIX = "run `staffdesk migrate` first."


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations the database lacks (all of them for a new, empty database)."""
    executor = MigrationExecutor(connections[using])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def not_migrated_message(count: int) -> str:
    return f"{NOT_MIGRATED} ({count} migration{'s' if count != 1 else ''} to apply): {HOW_TO_FIX}"


def require_migrated(using: str = DEFAULT_DB_ALIAS) -> None:
    """For long-running commands (serve, worker): refuse to start on an unmigrated database
    rather than answer every page and tick with "no such table"."""
    count = unapplied_migrations(using)
    if count:
        raise CommandError(not_migrated_message(count), returncode=2)

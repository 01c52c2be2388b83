"""The `staffdesk` console command: Django's management commands plus staffdesk's own."""

from __future__ import annotations

import os
import sys

# Django's commands that work on a database that was never migrated (or need none).
WITHOUT_TABLES = {"help", "version", "migrate", "makemigrations", "showmigrations", "sqlmigrate"}


def _command_name(name: str) -> str:
    # staffdesk's own commands are spelled with hyphens (import-people); Django's modules
    # cannot be, so the hyphens become underscores before Django looks the command up.
    return name if name.startswith("-") else name.replace("-", "_")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = _command_name(args[0])
    if len(args) > 1 and args[0] == "help":
        args[1] = _command_name(args[1])  # `staffdesk help sla-rebuild`
    try:
        execute_from_command_line(["staffdesk", *args])
    except DatabaseError as error:
        if args and args[0] in WITHOUT_TABLES:
            raise
        _exit_if_not_migrated(error)
        raise


def _exit_if_not_migrated(error: Exception) -> None:
    """A missing table means a database that was never migrated (or is behind this version):
    say what to do instead of printing the traceback."""
    from staffdesk.core.schema import not_migrated_message, unapplied_migrations

    try:
        count = unapplied_migrations()
    except Exception:  # the database cannot even be read: the original error says why
        return
    if count:
        sys.stderr.write(not_migrated_message(count) + "\n")
        sys.exit(2)


if __name__ == "__main__":
    main()

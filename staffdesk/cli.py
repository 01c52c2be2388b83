"""The `staffdesk` console command: Django's management commands plus staffdesk's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    # staffdesk's own commands are spelled with hyphens (import-people); Django's modules
    # cannot be, so the hyphens become underscores before Django looks the command up.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["staffdesk", *args])


if __name__ == "__main__":
    main()

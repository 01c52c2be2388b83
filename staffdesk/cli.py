"""The `staffdesk` console command: Django's management commands plus staffdesk's own."""

from __future__ import annotations

import argparse
import os
import socket
import sys

# Django's commands that work on a database that was never migrated (or need none).
WITHOUT_TABLES = {"help", "version", "migrate", "makemigrations", "showmigrations", "sqlmigrate"}


def _command_name(name: str) -> str:
    # staffdesk's own commands are spelled with hyphens (import-people); Django's modules
    # cannot be, so the hyphens become underscores before Django looks the command up.
    return name if name.startswith("-") else name.replace("-", "_")


def base_url(host: str, port: int) -> str:
    """Where `serve --host --port` is reached: the links in mail and the sign-in banner.

    A wildcard address is not one a browser can open, so it stands for this machine's name.
    """
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _serve_base_url(args: list[str]) -> None:
    """Without STAFFDESK_BASE_URL, `serve` links to the host and port it serves (settings
    derive the CSRF origin, the mail domain and the Open311 contact from it)."""
    if "STAFFDESK_BASE_URL" in os.environ:
        return
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")  # a bad one is the serve command's to refuse
    known, _ = parser.parse_known_args(args)
    if known.port.isdigit():
        os.environ["STAFFDESK_BASE_URL"] = base_url(known.host, int(known.port))


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "staffdesk.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = _command_name(args[0])
    if args and args[0] == "serve":
        _serve_base_url(args[1:])
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

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

"""What the import-departments and import-people commands share: arguments, output, exit code."""

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from staffdesk.directory.imports.reading import ImportFileError
from staffdesk.directory.imports.report import ImportReport


def add_import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path, help="The CSV file, UTF-8, header on the first line.")
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="Import the good rows and report the bad ones, instead of writing nothing.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Check the file and report what would change."
    )


def run_import(
    command: BaseCommand,
    importer: Callable[..., ImportReport],
    *,
    file: Path,
    skip_bad_rows: bool,
    dry_run: bool,
    **options: object,
) -> None:
    """The part both import commands share: call the importer, print, choose the exit code."""
    try:
        report = importer(path=file, skip_bad_rows=skip_bad_rows, dry_run=dry_run)
    except ImportFileError as error:
        raise CommandError(error.message, returncode=2) from error
    for line in report.problem_lines():
        command.stderr.write(line)
    if report.refused:
        raise CommandError(
            f"{report.bad_rows} bad row(s) in {file.name}; nothing was written. Fix them and "
            "run again, or pass --skip-bad-rows to import the good rows.",
            returncode=1,
        )
    command.stdout.write(report.summary())

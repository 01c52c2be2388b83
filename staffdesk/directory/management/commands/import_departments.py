from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from staffdesk.directory.imports import departments_import
from staffdesk.directory.imports.command import add_import_arguments, run_import


class Command(BaseCommand):
    help = (
        "Create or update departments from a CSV file with the columns "
        "code,name,parent_code,lead_employee_id (parent and lead optional). "
        "A lead must already be a person: import departments, then people, then departments "
        "again to name the leads. Exit code 1: bad rows, nothing written; 2: unusable file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: object, **options: Any) -> None:
        run_import(self, departments_import, **options)

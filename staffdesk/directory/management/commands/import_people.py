from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from staffdesk.directory.imports import people_import
from staffdesk.directory.imports.command import add_import_arguments, run_import


class Command(BaseCommand):
    help = (
        "Create or update people from a CSV file with the columns employee_id,username,"
        "first_name,last_name,email,department_code,title,manager_employee_id,start_date,active "
        "(title, manager, start_date and active optional; start_date as YYYY-MM-DD). New people "
        "get no password: they choose one from the sign-in page (a link by email) or an admin sets one. "
        "Exit code 1: bad rows, nothing written; 2: unusable file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_import_arguments(parser)

    def handle(self, *args: object, **options: Any) -> None:
        run_import(self, people_import, **options)

"""Directory CSV import: departments and people, checked as a whole, written in one transaction.

Every row is checked before anything is written, and every problem is kept with the CSV line
it comes from, so one run tells the user everything to fix. Rows are then written in two
passes (the rows themselves, then their references) so that a parent department or a manager
may appear later in the same file. A file with a bad row writes nothing, unless the caller
asks to skip bad rows. An optional column left out of the header leaves that field as it is.
"""

from staffdesk.directory.imports.departments import departments_import
from staffdesk.directory.imports.people import people_import
from staffdesk.directory.imports.reading import (
    DEPARTMENT_COLUMNS,
    PEOPLE_COLUMNS,
    Columns,
    ImportFileError,
)
from staffdesk.directory.imports.report import ImportReport

__all__ = [
    "DEPARTMENT_COLUMNS",
    "PEOPLE_COLUMNS",
    "Columns",
    "ImportFileError",
    "ImportReport",
    "departments_import",
    "people_import",
]

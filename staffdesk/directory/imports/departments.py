"""The departments import: rows checked against each other and the database, then written."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from staffdesk.core import clock
from staffdesk.directory.imports.checks import _check_basics, _settle_references
from staffdesk.directory.imports.reading import DEPARTMENT_COLUMNS, _read_csv, _Row
from staffdesk.directory.imports.report import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ImportReport,
    _Problems,
    _report,
)
from staffdesk.directory.models import Department, Person, department_code_validator
from staffdesk.directory.services import department_set_lead


def departments_import(
    *, path: Path, skip_bad_rows: bool = False, dry_run: bool = False
) -> ImportReport:
    """Create or update departments by `code` from a CSV file.

    A lead must already be a person (import people first, then departments again); naming
    them goes through `department_set_lead` so they also lead the department's service team.
    """
    columns, rows = _read_csv(path, DEPARTMENT_COLUMNS)
    with transaction.atomic():
        departments = {department.code: department for department in Department.objects.all()}
        lead_ids = {row["lead_employee_id"] for row in rows} - {""}
        leads = {p.employee_id: p for p in Person.objects.filter(employee_id__in=lead_ids)}
        problems = _check_departments(rows, columns, departments=departments, leads=leads)
        good = [row for row in rows if not problems.bad(row)]
        code_by_id: dict[int | None, str] = {
            department.pk: code for code, department in departments.items()
        }

        def status(row: _Row) -> str:
            department = departments.get(row["code"])
            if department is None:
                return CREATED
            lead = leads.get(row["lead_employee_id"])
            changed = department.name != row["name"] or (
                "parent_code" in columns
                and code_by_id.get(department.parent_id, "") != row["parent_code"]
            )
            changed |= "lead_employee_id" in columns and department.lead_id != (lead and lead.pk)
            return UPDATED if changed else UNCHANGED

        report = _report("departments", good, status, problems, skip_bad_rows, dry_run)
        if not (report.refused or dry_run):
            _write_departments(good, columns, departments=departments, leads=leads)
            report.written = True
    return report


def _check_departments(
    rows: list[_Row],
    columns: list[str],
    *,
    departments: dict[str, Department],
    leads: dict[str, Person],
) -> _Problems:
    problems = _Problems()
    first_line: dict[str, int] = {}
    codes_in_file = {row["code"] for row in rows}
    for row in rows:
        _check_basics(row, problems, DEPARTMENT_COLUMNS.required, Department, ("name",))
        code, parent, lead = row["code"], row["parent_code"], row["lead_employee_id"]
        if code:
            try:
                department_code_validator(code)
            except ValidationError as error:
                problems.add(
                    row, f"code {code!r} is not a valid department code: {error.messages[0]}"
                )
        if code and code in first_line:
            problems.add(row, f"duplicate code {code} (first seen on line {first_line[code]})")
        first_line.setdefault(code, row.line)
        if parent and parent == code:
            problems.add(row, f"parent_code {parent!r} is the department itself")
        elif parent and parent not in codes_in_file and parent not in departments:
            problems.add(
                row,
                f"parent_code {parent!r} does not exist; add it to this file or create it first",
            )
        if lead and lead not in leads:
            problems.add(
                row,
                f"lead_employee_id {lead!r} is not an existing person; "
                "import people first, then these departments again",
            )
    if "parent_code" in columns:
        code_by_id: dict[int | None, str] = {
            department.pk: code for code, department in departments.items()
        }
        parent_by_code = {
            code: code_by_id.get(department.parent_id) for code, department in departments.items()
        }
        _settle_references(
            rows,
            problems,
            key="code",
            reference="parent_code",
            node=lambda code: code,
            database_parent=parent_by_code.get,
            describe=str,
        )
    return problems


def _write_departments(
    rows: list[_Row],
    columns: list[str],
    *,
    departments: dict[str, Department],
    leads: dict[str, Person],
) -> None:
    now = clock.now()
    for row in rows:
        department = departments.get(row["code"])
        if department is None:
            departments[row["code"]] = Department.objects.create(code=row["code"], name=row["name"])
        elif department.name != row["name"]:
            department.name, department.updated_at = row["name"], now
            department.save(update_fields=["name", "updated_at"])
    # Second pass: every department of the file now exists, wherever its parent was listed.
    for row in rows:
        department = departments[row["code"]]
        if "parent_code" in columns:
            parent = departments[row["parent_code"]] if row["parent_code"] else None
            if department.parent_id != (parent and parent.pk):
                department.parent, department.updated_at = parent, now
                department.save(update_fields=["parent", "updated_at"])
        if "lead_employee_id" in columns:
            lead = leads.get(row["lead_employee_id"])
            if department.lead_id != (lead and lead.pk):
                department.updated_at = now
                department_set_lead(department=department, lead=lead)

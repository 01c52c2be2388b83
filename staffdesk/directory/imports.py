"""Directory CSV import: departments and people, checked as a whole, written in one transaction.

Every row is checked before anything is written, and every problem is kept with the CSV line
it comes from, so one run tells the user everything to fix. Rows are then written in two
passes (the rows themselves, then their references) so that a parent department or a manager
may appear later in the same file. A file with a bad row writes nothing, unless the caller
asks to skip bad rows. An optional column left out of the header leaves that field as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from staffdesk.core import clock
from staffdesk.core.errors import DomainError
from staffdesk.directory.models import Department, Person, department_code_validator
from staffdesk.directory.services import department_set_lead

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes"}, {"false", "0", "no"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported: unreadable, not UTF-8, or the wrong columns."""


@dataclass(frozen=True)
class Columns:
    required: tuple[str, ...]
    optional: tuple[str, ...]


DEPARTMENT_COLUMNS = Columns(
    required=("code", "name"), optional=("parent_code", "lead_employee_id")
)
PEOPLE_COLUMNS = Columns(
    required=("employee_id", "username", "first_name", "last_name", "email", "department_code"),
    optional=("title", "manager_employee_id", "start_date", "active"),
)


@dataclass
class ImportReport:
    """What an import did or, in a dry run or a refused import, would have done."""

    noun: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    skip_bad_rows: bool = False
    dry_run: bool = False
    written: bool = False

    @property
    def bad_rows(self) -> int:
        return len({line for line, _ in self.problems})

    @property
    def refused(self) -> bool:
        """All or nothing: one bad row stops the import unless bad rows may be skipped."""
        return bool(self.problems) and not self.skip_bad_rows

    def problem_lines(self) -> list[str]:
        return [f"line {line}: {reason}" for line, reason in self.problems]

    def summary(self) -> str:
        text = f"{self.noun}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.problems and self.skip_bad_rows:
            text += f", {self.bad_rows} bad rows skipped"
        if self.dry_run:
            text += " (dry run, nothing written)"
        return text


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    extra_values: int = 0
    parsed: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


class _Problems:
    """The reasons each row cannot be imported; a row with any reason is left out."""

    def __init__(self) -> None:
        self.reasons: list[tuple[int, str]] = []
        self.lines: set[int] = set()

    def add(self, row: _Row, reason: str) -> None:
        self.reasons.append((row.line, reason))
        self.lines.add(row.line)

    def bad(self, row: _Row) -> bool:
        return row.line in self.lines

    def sorted(self) -> list[tuple[int, str]]:
        return sorted(self.reasons, key=lambda reason: reason[0])


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
        code_by_id = {department.pk: code for code, department in departments.items()}

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


def people_import(
    *, path: Path, skip_bad_rows: bool = False, dry_run: bool = False
) -> ImportReport:
    """Create or update people by `employee_id` from a CSV file.

    A new person gets an unusable password: they sign in by SSO or an admin sets one.
    """
    columns, rows = _read_csv(path, PEOPLE_COLUMNS)
    with transaction.atomic():
        directory = _PeopleInDb(rows)
        problems = _check_people(rows, columns, directory)
        good = [row for row in rows if not problems.bad(row)]

        def status(row: _Row) -> str:
            person = directory.in_file.get(row["employee_id"])
            if person is None:
                return CREATED
            changed = any(getattr(person, name) != value for name, value in row.parsed.items())
            if "manager_employee_id" in columns:
                manager = row["manager_employee_id"]
                # A manager new in this file has no pk yet, so is never the current manager.
                manager_pk = directory.pk_by_eid.get(manager, -1) if manager else None
                changed |= person.manager_id != manager_pk
            return UPDATED if changed else UNCHANGED

        report = _report("people", good, status, problems, skip_bad_rows, dry_run)
        if not (report.refused or dry_run):
            _write_people(good, columns, directory)
            report.written = True
    return report


# --- Reading ----------------------------------------------------------------------------


def _read_csv(path: Path, expected: Columns) -> tuple[list[str], list[_Row]]:
    """The columns the header names, and every row that holds a value, with its line number."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            fieldnames = reader.fieldnames or []
            columns = _check_header(path, fieldnames, expected)
            rows = []
            for record in reader:
                extra: list[str] = record.pop(None, None) or []
                raw = [value for value in record.values() if value is not None] + extra
                # line_num is the line a row ends on; a quoted value may span several lines
                # and the user should be sent to the line where the row starts.
                line = reader.line_num - sum(len(LINE_BREAK.findall(value)) for value in raw)
                values = {
                    column: (record.get(name) or "").strip()
                    for name, column in zip(fieldnames, columns, strict=True)
                }
                # Spreadsheets export trailing rows of bare commas; they carry nothing.
                if any(values.values()) or extra:
                    rows.append(_Row(line=line, values=values, extra_values=len(extra)))
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror}.") from error
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 text; save it as CSV with UTF-8 encoding."
        ) from error
    except csv.Error as error:
        raise ImportFileError(f"{path}, line {reader.line_num}: {error}.") from error
    return columns, rows


def _check_header(path: Path, fieldnames: list[str], expected: Columns) -> list[str]:
    columns = [name.strip().lower() for name in fieldnames]
    known = expected.required + expected.optional
    missing = [column for column in expected.required if column not in columns]
    unknown = [
        name for name, column in zip(fieldnames, columns, strict=True) if column not in known
    ]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    faults = []
    if missing:
        faults.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        faults.append(f"unknown column(s) {', '.join(repr(name) for name in unknown)}")
    if repeated:
        faults.append(f"repeated column(s) {', '.join(repeated)}")
    if faults:
        raise ImportFileError(
            f"{path.name}: the header has {'; '.join(faults)}. "
            f"Required columns: {', '.join(expected.required)}; "
            f"optional columns: {', '.join(expected.optional)}."
        )
    return columns


# --- Checking -----------------------------------------------------------------------------


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
        code_by_id = {department.pk: code for code, department in departments.items()}
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


class _PeopleInDb:
    """What the people import needs to know about the database, read once."""

    def __init__(self, rows: list[_Row]) -> None:
        everyone = list(Person.objects.values_list("pk", "employee_id", "username", "manager_id"))
        self.pk_by_eid = {eid: pk for pk, eid, _, _ in everyone if eid}
        self.eid_by_pk = {pk: eid for pk, eid, _, _ in everyone}
        self.username_by_pk = {pk: username for pk, _, username, _ in everyone}
        self.manager_by_pk = {pk: manager for pk, _, _, manager in everyone}
        self.eid_by_username = {username: eid for _, eid, username, _ in everyone}
        self.department_pk_by_code = dict(Department.objects.values_list("code", "pk"))
        self.in_file = {
            person.employee_id: person
            for person in Person.objects.filter(
                employee_id__in={row["employee_id"] for row in rows}
            )
        }

    def node(self, employee_id: str) -> Hashable:
        """A person in the management graph: their pk once saved, their employee_id if new."""
        return self.pk_by_eid.get(employee_id, employee_id)

    def manager(self, node: Hashable) -> Hashable | None:
        return self.manager_by_pk.get(node) if isinstance(node, int) else None

    def describe(self, node: Hashable) -> str:
        if isinstance(node, int):
            return self.eid_by_pk[node] or self.username_by_pk[node]
        return str(node)


def _check_people(rows: list[_Row], columns: list[str], directory: _PeopleInDb) -> _Problems:
    problems = _Problems()
    first_line: dict[str, int] = {}
    row_by_username: dict[str, _Row] = {}
    ids_in_file = {row["employee_id"] for row in rows}
    lengths = ("employee_id", "username", "first_name", "last_name", "email", "title")
    for row in rows:
        _check_basics(row, problems, PEOPLE_COLUMNS.required, Person, lengths)
        employee_id, email = row["employee_id"], row["email"]
        username = Person.normalize_username(row["username"])
        if employee_id and employee_id in first_line:
            problems.add(
                row,
                f"duplicate employee_id {employee_id} (first seen on line {first_line[employee_id]})",
            )
        first_line.setdefault(employee_id, row.line)
        if username:
            _check_username(row, username, problems, directory, row_by_username)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.add(row, f"email {email!r} is not a valid email address")
        department_pk = directory.department_pk_by_code.get(row["department_code"])
        if row["department_code"] and department_pk is None:
            problems.add(
                row,
                f"department_code {row['department_code']!r} does not exist; "
                "import it with import-departments first",
            )
        row.parsed = {
            "username": username,
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": Person.objects.normalize_email(email),
            "department_id": department_pk,
        }
        if "title" in columns:
            row.parsed["title"] = row["title"]
        if "start_date" in columns:
            row.parsed["start_date"] = _parse_date(row, problems)
        if "active" in columns:
            row.parsed["is_active"] = _parse_active(row, problems)
        manager = row["manager_employee_id"]
        if manager and manager == employee_id:
            problems.add(row, f"manager_employee_id {manager} is the person's own employee_id")
        elif manager and manager not in ids_in_file and manager not in directory.pk_by_eid:
            problems.add(
                row,
                f"manager_employee_id {manager!r} does not exist; "
                "add that person to this file or import them first",
            )
    if "manager_employee_id" in columns:
        _settle_references(
            rows,
            problems,
            key="employee_id",
            reference="manager_employee_id",
            node=directory.node,
            database_parent=directory.manager,
            describe=directory.describe,
        )
    return problems


def _check_username(
    row: _Row,
    username: str,
    problems: _Problems,
    directory: _PeopleInDb,
    row_by_username: dict[str, _Row],
) -> None:
    try:
        Person.username_validator(username)
    except ValidationError as error:
        problems.add(row, f"username {username!r} is not valid: {error.messages[0]}")
    # Two employees cannot share a sign-in; renaming one to free a name takes two imports.
    owner = directory.eid_by_username.get(username, row["employee_id"])
    other = row_by_username.setdefault(username, row)
    if owner != row["employee_id"]:
        problems.add(
            row,
            f"username {username!r} is already used by "
            + (f"employee_id {owner}" if owner else "a person without an employee_id"),
        )
    elif other is not row and other["employee_id"] != row["employee_id"]:
        problems.add(
            row,
            f"username {username!r} is also given to employee_id {other['employee_id']} "
            f"on line {other.line}",
        )


def _check_basics(
    row: _Row,
    problems: _Problems,
    required: Iterable[str],
    model: type[models.Model],
    limited: Iterable[str],
) -> None:
    """Required values present, values no longer than their model field, no stray values."""
    if row.extra_values:
        problems.add(
            row,
            f"has {len(row.values) + row.extra_values} values but the header has "
            f"{len(row.values)} columns; put values that contain commas in double quotes",
        )
    for column in required:
        if not row[column]:
            problems.add(row, f"{column} is empty; it is required")
    for column in limited:
        limit = model._meta.get_field(column).max_length
        if limit is not None and len(row[column]) > limit:
            problems.add(
                row, f"{column} is {len(row[column])} characters long; at most {limit} fit"
            )


def _parse_date(row: _Row, problems: _Problems) -> date | None:
    value = row["start_date"]
    if not value:
        return None
    try:
        # fromisoformat alone would also take 20240301 or 2024-W09; only one spelling is meant.
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.add(
        row, f"start_date {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01"
    )
    return None


def _parse_active(row: _Row, problems: _Problems) -> bool:
    value = row["active"].lower()
    if value in FALSE_WORDS:
        return False
    if value and value not in TRUE_WORDS:
        problems.add(
            row,
            f"active {row['active']!r} is not a yes or no; write true/false, 1/0 or yes/no "
            "(empty means true)",
        )
    return True


def _settle_references(
    rows: list[_Row],
    problems: _Problems,
    *,
    key: str,
    reference: str,
    node: Callable[[str], Hashable],
    database_parent: Callable[[Any], Hashable | None],
    describe: Callable[[Any], str],
) -> None:
    """Mark bad each row whose reference leads to a bad row or closes a cycle, until none does.

    The graph checked is the one the import would leave behind: a good row's reference
    replaces what the database holds for it, everyone else keeps their database parent.
    Marking a row bad restores its database parent, which may close another cycle, hence
    the loop.
    """
    first_row: dict[str, _Row] = {}
    for row in rows:
        if row[key]:
            first_row.setdefault(row[key], row)
    while True:
        newly_bad = False
        for row in rows:
            target = first_row.get(row[reference]) if row[reference] else None
            if target is not None and problems.bad(target) and not problems.bad(row):
                problems.add(
                    row,
                    f"{reference} {row[reference]!r} is defined on line {target.line}, "
                    "which cannot be imported",
                )
                newly_bad = True
        good = {node(row[key]): row for row in rows if not problems.bad(row)}

        def parent(at: Hashable, good: dict[Hashable, _Row] = good) -> Hashable | None:
            if at not in good:
                return database_parent(at)
            return node(good[at][reference]) if good[at][reference] else None

        for cycle in _find_cycles(good, parent):
            path = " → ".join(describe(at) for at in [*cycle, cycle[0]])
            for at in cycle:
                if at in good:
                    problems.add(
                        good[at], f"{reference} {good[at][reference]!r} makes a cycle: {path}"
                    )
                    newly_bad = True
        if not newly_bad:
            return


def _find_cycles(
    starts: Iterable[Hashable], parent: Callable[[Hashable], Hashable | None]
) -> list[list[Hashable]]:
    """Every cycle reached by following `parent` from `starts`, each from where it closes."""
    explored: set[Hashable] = set()
    cycles = []
    for start in starts:
        path: list[Hashable] = []
        position: dict[Hashable, int] = {}
        at: Hashable | None = start
        while at is not None and at not in explored and at not in position:
            position[at] = len(path)
            path.append(at)
            at = parent(at)
        if at is not None and at in position:
            cycles.append(path[position[at] :])
        explored.update(path)
    return cycles


def _report(
    noun: str,
    good: list[_Row],
    status: Callable[[_Row], str],
    problems: _Problems,
    skip_bad_rows: bool,
    dry_run: bool,
) -> ImportReport:
    statuses = [status(row) for row in good]
    return ImportReport(
        noun=noun,
        created=statuses.count(CREATED),
        updated=statuses.count(UPDATED),
        unchanged=statuses.count(UNCHANGED),
        problems=problems.sorted(),
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
    )


# --- Writing ------------------------------------------------------------------------------


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


def _write_people(rows: list[_Row], columns: list[str], directory: _PeopleInDb) -> None:
    people = dict(directory.in_file)
    for row in rows:
        person = people.get(row["employee_id"])
        if person is None:
            person = Person(employee_id=row["employee_id"], **row.parsed)
            person.set_unusable_password()
            person.save()
            people[row["employee_id"]] = person
        else:
            changed = [name for name, value in row.parsed.items() if getattr(person, name) != value]
            for name in changed:
                setattr(person, name, row.parsed[name])
            if changed:
                person.save(update_fields=changed)
    if "manager_employee_id" not in columns:
        return
    # Second pass: every person of the file now exists, wherever their manager was listed.
    outside = {row["manager_employee_id"] for row in rows} - set(people) - {""}
    people.update({p.employee_id: p for p in Person.objects.filter(employee_id__in=outside)})
    for row in rows:
        person = people[row["employee_id"]]
        manager = people[row["manager_employee_id"]] if row["manager_employee_id"] else None
        if person.manager_id != (manager and manager.pk):
            person.manager = manager
            person.save(update_fields=["manager"])

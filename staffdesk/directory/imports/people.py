"""The people import: rows checked against each other and the database, then written."""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from staffdesk.directory.imports.checks import _check_basics, _settle_references
from staffdesk.directory.imports.reading import PEOPLE_COLUMNS, _read_csv, _Row
from staffdesk.directory.imports.report import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ImportReport,
    _Problems,
    _report,
)
from staffdesk.directory.models import Department, Person

TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes"}, {"false", "0", "no"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def people_import(
    *, path: Path, skip_bad_rows: bool = False, dry_run: bool = False
) -> ImportReport:
    """Create or update people by `employee_id` from a CSV file.

    A new person gets an unusable password: they choose one with "Forgot your password, or
    never had one?" on the sign-in page (a link by email), or an admin sets one.
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

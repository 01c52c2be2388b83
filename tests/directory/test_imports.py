"""`staffdesk import-departments` and `staffdesk import-people`: what a user sees and what is stored."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from staffdesk.directory.models import Department, Membership, Person
from tests.factories import DepartmentFactory, PersonFactory

DEPARTMENTS_HEADER = "code,name,parent_code,lead_employee_id"
PEOPLE_HEADER = (
    "employee_id,username,first_name,last_name,email,department_code,"
    "title,manager_employee_id,start_date,active"
)


def write_csv(tmp_path: Path, *lines: str, name: str = "import.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def run(command: str, path: Path, *flags: str) -> tuple[int, str, str]:
    """Run a command as the CLI would: (exit code, stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(command, str(path), *flags, stdout=stdout, stderr=stderr)
    except CommandError as error:
        stderr.write(str(error))
        return error.returncode, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def directory_snapshot() -> list[tuple]:
    """Everything the imports can write, to prove a run wrote nothing."""
    departments = Department.objects.order_by("code").values_list(
        "code", "name", "parent__code", "lead__employee_id", "updated_at"
    )
    people = Person.objects.order_by("username").values_list(
        "employee_id",
        "username",
        "first_name",
        "last_name",
        "email",
        "department__code",
        "title",
        "manager__employee_id",
        "start_date",
        "is_active",
        "password",
    )
    memberships = Membership.objects.order_by("pk").values_list(
        "person__username", "department__code", "role"
    )
    return [*departments, *people, *memberships]


def parent_of(code: str) -> str | None:
    parent = Department.objects.get(code=code).parent
    return parent.code if parent else None


def manager_of(employee_id: str) -> str | None:
    manager = Person.objects.get(employee_id=employee_id).manager
    return manager.employee_id if manager else None


# --- Departments ------------------------------------------------------------------------


def test_departments_are_created_with_parents_listed_later_in_the_file(db, tmp_path):
    path = write_csv(
        tmp_path,
        DEPARTMENTS_HEADER,
        "IT,Information Technology,OPS,",
        "HR,Human Resources,OPS,",
        "OPS,Operations,,",
        bom=True,  # Excel's "CSV UTF-8" starts with one
    )

    code, out, err = run("import_departments", path)

    assert (code, err) == (0, "")
    assert out.strip() == "departments: 3 created, 0 updated, 0 unchanged"
    assert Department.objects.get(code="IT").name == "Information Technology"
    assert (parent_of("IT"), parent_of("HR"), parent_of("OPS")) == ("OPS", "OPS", None)


def test_departments_second_run_changes_nothing(db, tmp_path):
    lead = PersonFactory(employee_id="E00001")
    path = write_csv(
        tmp_path,
        DEPARTMENTS_HEADER,
        "IT,Information Technology,OPS,E00001",
        "OPS,Operations,,",
    )
    run("import_departments", path)
    before = directory_snapshot()

    code, out, _ = run("import_departments", path)

    assert code == 0
    assert out.strip() == "departments: 0 created, 0 updated, 2 unchanged"
    assert directory_snapshot() == before
    assert Department.objects.get(code="IT").lead == lead


def test_departments_update_existing_rows_and_point_to_departments_in_the_database(db, tmp_path):
    DepartmentFactory(code="FIN", name="Finance (old name)")
    DepartmentFactory(code="HR", name="Human Resources")
    DepartmentFactory(code="CITY", name="City")
    path = write_csv(
        tmp_path,
        DEPARTMENTS_HEADER,
        "FIN,Finance,CITY,",
        "HR,Human Resources,,",
        "PAY,Payroll,FIN,",
    )

    code, out, _ = run("import_departments", path)

    assert code == 0
    assert out.strip() == "departments: 1 created, 1 updated, 1 unchanged"
    assert Department.objects.get(code="FIN").name == "Finance"
    assert (parent_of("FIN"), parent_of("PAY")) == ("CITY", "FIN")


def test_a_department_lead_also_leads_its_service_team(db, tmp_path):
    lead = PersonFactory(employee_id="E00007")
    path = write_csv(tmp_path, DEPARTMENTS_HEADER, "IT,Information Technology,,E00007")

    code, _, _ = run("import_departments", path)

    it = Department.objects.get(code="IT")
    assert code == 0
    assert it.lead == lead
    assert Membership.objects.filter(person=lead, department=it, role="lead").exists()


def test_a_column_left_out_of_the_header_leaves_that_field_alone(db, tmp_path):
    city = DepartmentFactory(code="CITY")
    lead = PersonFactory(employee_id="E00001")
    DepartmentFactory(code="IT", name="IT", parent=city, lead=lead)
    path = write_csv(tmp_path, "code,name", "IT,Information Technology")

    code, out, _ = run("import_departments", path)

    it = Department.objects.get(code="IT")
    assert code == 0
    assert out.strip() == "departments: 0 created, 1 updated, 0 unchanged"
    assert (it.name, it.parent, it.lead) == ("Information Technology", city, lead)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "it,Information Technology,,",
            "code 'it' is not a valid department code: 2 to 10 capital",
        ),
        ("IT,,,", "name is empty; it is required"),
        (",Nameless,,", "code is empty; it is required"),
        ("IT,Information Technology,NOPE,", "parent_code 'NOPE' does not exist"),
        ("IT,Information Technology,IT,", "parent_code 'IT' is the department itself"),
        ("IT,Information Technology,,E404", "lead_employee_id 'E404' is not an existing person"),
        ("IT,Information Technology,,,extra", "has 5 values but the header has 4 columns"),
        (f"IT,{'x' * 121},,", "name is 121 characters long; at most 120 fit"),
    ],
)
def test_a_bad_department_row_is_reported_with_its_line_and_nothing_is_written(
    db, tmp_path, row, reason
):
    path = write_csv(tmp_path, DEPARTMENTS_HEADER, "OPS,Operations,,", row)

    code, out, err = run("import_departments", path)

    assert code == 1
    assert out == ""
    assert f"line 3: {reason}" in err
    assert "line 2:" not in err
    assert "nothing was written" in err
    assert not Department.objects.exists()


def test_duplicate_department_codes_point_to_the_first_line(db, tmp_path):
    path = write_csv(
        tmp_path, DEPARTMENTS_HEADER, "IT,Information Technology,,", "HR,HR,,", "IT,IT again,,"
    )

    code, _, err = run("import_departments", path)

    assert code == 1
    assert "line 4: duplicate code IT (first seen on line 2)" in err


def test_a_parent_cycle_in_the_file_names_every_department_in_it(db, tmp_path):
    path = write_csv(
        tmp_path,
        DEPARTMENTS_HEADER,
        "A1,Alpha,B1,",
        "B1,Beta,C1,",
        "C1,Gamma,A1,",
        "D1,Delta,,",
    )

    code, _, err = run("import_departments", path)

    assert code == 1
    assert "line 2: parent_code 'B1' makes a cycle: A1 → B1 → C1 → A1" in err
    assert "line 3: parent_code 'C1' makes a cycle" in err
    assert "line 4: parent_code 'A1' makes a cycle" in err
    assert "line 5" not in err


def test_a_parent_cycle_through_the_database_is_refused(db, tmp_path):
    city = DepartmentFactory(code="CITY")
    DepartmentFactory(code="IT", parent=city)
    path = write_csv(tmp_path, DEPARTMENTS_HEADER, "CITY,City,IT,")

    code, _, err = run("import_departments", path)

    assert code == 1
    assert "line 2: parent_code 'IT' makes a cycle: CITY → IT → CITY" in err
    assert parent_of("CITY") is None


def test_skip_bad_rows_imports_the_rest_and_skips_rows_that_depend_on_bad_ones(db, tmp_path):
    path = write_csv(
        tmp_path,
        DEPARTMENTS_HEADER,
        "IT,Information Technology,OPS,",
        "OPS,,,",
        "HR,Human Resources,,",
    )

    code, out, err = run("import_departments", path, "--skip-bad-rows")

    assert code == 0
    assert out.strip() == "departments: 1 created, 0 updated, 0 unchanged, 2 bad rows skipped"
    assert "line 3: name is empty; it is required" in err
    assert "line 2: parent_code 'OPS' is defined on line 3, which cannot be imported" in err
    assert list(Department.objects.values_list("code", flat=True)) == ["HR"]


def test_departments_dry_run_reports_and_writes_nothing(db, tmp_path):
    DepartmentFactory(code="HR", name="HR")
    before = directory_snapshot()
    path = write_csv(tmp_path, DEPARTMENTS_HEADER, "HR,Human Resources,,", "IT,IT,HR,")

    code, out, _ = run("import_departments", path, "--dry-run")

    assert code == 0
    assert (
        out.strip() == "departments: 1 created, 1 updated, 0 unchanged (dry run, nothing written)"
    )
    assert directory_snapshot() == before


def test_a_departments_file_with_wrong_columns_is_refused_with_exit_code_2(db, tmp_path):
    path = write_csv(tmp_path, "code,title,parent", "IT,Information Technology,")

    code, out, err = run("import_departments", path)

    assert code == 2
    assert out == ""
    assert "missing column(s) name" in err
    assert "unknown column(s) 'title', 'parent'" in err
    assert not Department.objects.exists()


# --- People -------------------------------------------------------------------------------


@pytest.fixture
def departments(db) -> None:
    DepartmentFactory(code="IT", name="Information Technology")
    DepartmentFactory(code="HR", name="Human Resources")


def test_people_are_created_with_managers_listed_later_in_the_file(departments, tmp_path):
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00002,ann,Ann,Archer,ann@City.EXAMPLE,IT,Engineer,E00001,2024-03-01,yes",
        "E00003,ben,Ben,Baker,ben@city.example,HR,,E00002,,0",
        "E00001,cleo,Cleo,Chief,cleo@city.example,IT,Director,,,",
    )

    code, out, err = run("import_people", path)

    assert (code, err) == (0, "")
    assert out.strip() == "people: 3 created, 0 updated, 0 unchanged"
    ann = Person.objects.get(employee_id="E00002")
    assert (ann.username, ann.first_name, ann.last_name, ann.title) == (
        "ann",
        "Ann",
        "Archer",
        "Engineer",
    )
    assert ann.email == "ann@city.example"  # the domain is case-insensitive, stored lowercase
    assert ann.department.code == "IT"
    assert str(ann.start_date) == "2024-03-01"
    assert (manager_of("E00002"), manager_of("E00003"), manager_of("E00001")) == (
        "E00001",
        "E00002",
        None,
    )
    assert Person.objects.get(employee_id="E00003").is_active is False
    assert Person.objects.get(employee_id="E00001").is_active is True
    # New people sign in by SSO until an admin sets a password.
    assert not any(person.has_usable_password() for person in Person.objects.all())


def test_people_second_run_changes_nothing(departments, tmp_path):
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00002,ann,Ann,Archer,ann@City.EXAMPLE,IT,Engineer,E00001,2024-03-01,true",
        "E00001,cleo,Cleo,Chief,cleo@city.example,IT,,,,",
    )
    run("import_people", path)
    before = directory_snapshot()

    code, out, _ = run("import_people", path)

    assert code == 0
    assert out.strip() == "people: 0 created, 0 updated, 2 unchanged"
    assert directory_snapshot() == before


def test_people_update_existing_rows_and_keep_their_password(departments, tmp_path):
    boss = PersonFactory(employee_id="E00009", username="boss")
    ann = PersonFactory(
        employee_id="E00002", username="ann", first_name="Ann", last_name="Old", title="Intern"
    )
    password = ann.password
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00002,ann,Ann,Archer,ann@city.example,HR,Engineer,E00009,,no",
    )

    code, out, _ = run("import_people", path)

    ann.refresh_from_db()
    assert code == 0
    assert out.strip() == "people: 0 created, 1 updated, 0 unchanged"
    assert (ann.last_name, ann.title, ann.department.code) == ("Archer", "Engineer", "HR")
    assert (ann.manager, ann.is_active, ann.password) == (boss, False, password)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "E00002,bob,Bob,Baker,bob@city.example,XYZ,,,,",
            "department_code 'XYZ' does not exist",
        ),
        (
            "E00002,bob,Bob,Baker,bob@city.example,IT,,,2024-02-30,",
            "start_date '2024-02-30' is not a date; write it as YYYY-MM-DD",
        ),
        (
            "E00002,bob,Bob,Baker,bob@city.example,IT,,,01/03/2024,",
            "start_date '01/03/2024' is not a date; write it as YYYY-MM-DD",
        ),
        ("E00002,bob,Bob,Baker,bob@city,IT,,,,", "email 'bob@city' is not a valid email address"),
        ("E00002,bob,Bob,Baker,,IT,,,,", "email is empty; it is required"),
        ("E00002,,Bob,Baker,bob@city.example,IT,,,,", "username is empty; it is required"),
        (
            "E00002,bob smith,Bob,Baker,bob@city.example,IT,,,,",
            "username 'bob smith' is not valid",
        ),
        (
            "E00002,bob,Bob,Baker,bob@city.example,IT,,,,maybe",
            "active 'maybe' is not a yes or no; write true/false, 1/0 or yes/no",
        ),
        (
            "E00002,bob,Bob,Baker,bob@city.example,IT,,E00002,,",
            "manager_employee_id E00002 is the person's own employee_id",
        ),
        (
            "E00002,bob,Bob,Baker,bob@city.example,IT,,E404,,",
            "manager_employee_id 'E404' does not exist",
        ),
        (
            "E00002,ann,Bob,Baker,bob@city.example,IT,,,,",
            "username 'ann' is also given to employee_id E00001 on line 2",
        ),
        (
            "E00001,bob,Bob,Baker,bob@city.example,IT,,,,",
            "duplicate employee_id E00001 (first seen on line 2)",
        ),
    ],
)
def test_a_bad_person_row_is_reported_with_its_line_and_nothing_is_written(
    departments, tmp_path, row, reason
):
    path = write_csv(tmp_path, PEOPLE_HEADER, "E00001,ann,Ann,Archer,ann@city.example,IT,,,,", row)

    code, out, err = run("import_people", path)

    assert code == 1
    assert out == ""
    assert f"line 3: {reason}" in err
    assert "line 2:" not in err
    assert not Person.objects.exists()


def test_a_username_of_another_employee_in_the_database_is_refused(departments, tmp_path):
    PersonFactory(employee_id="E00050", username="ann")
    PersonFactory(employee_id=None, username="admin")
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00001,ann,Ann,Archer,ann@city.example,IT,,,,",
        "E00002,admin,Adam,Admin,adam@city.example,IT,,,,",
    )

    code, _, err = run("import_people", path)

    assert code == 1
    assert "line 2: username 'ann' is already used by employee_id E00050" in err
    assert "line 3: username 'admin' is already used by a person without an employee_id" in err


def test_a_manager_cycle_is_refused(departments, tmp_path):
    PersonFactory(employee_id="E00009", username="boss")
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00001,ann,Ann,Archer,ann@city.example,IT,,E00002,,",
        "E00002,ben,Ben,Baker,ben@city.example,IT,,E00001,,",
        "E00003,cleo,Cleo,Chief,cleo@city.example,IT,,E00009,,",
    )

    code, _, err = run("import_people", path)

    assert code == 1
    assert "line 2: manager_employee_id 'E00002' makes a cycle: E00001 → E00002 → E00001" in err
    assert "line 3: manager_employee_id 'E00001' makes a cycle" in err
    assert "line 4" not in err


def test_a_manager_cycle_through_the_database_is_refused(departments, tmp_path):
    boss = PersonFactory(employee_id="E00009", username="boss")
    PersonFactory(employee_id="E00001", username="ann", manager=boss)
    path = write_csv(tmp_path, PEOPLE_HEADER, "E00009,boss,Bo,Boss,boss@city.example,IT,,E00001,,")

    code, _, err = run("import_people", path)

    assert code == 1
    assert "line 2: manager_employee_id 'E00001' makes a cycle: E00009 → E00001 → E00009" in err


def test_line_numbers_count_physical_lines_of_quoted_values(departments, tmp_path):
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        'E00001,ann,Ann,Archer,ann@city.example,IT,"Engineer,',
        'Platform team",,,',
        "",
        "E00002,ben,Ben,Baker,ben@city,IT,,,,",
        ",,,,,,,,,",  # spreadsheets export empty rows like this one
    )

    code, _, err = run("import_people", path)

    assert code == 1
    assert err.splitlines()[0] == "line 5: email 'ben@city' is not a valid email address"
    assert "line 6" not in err


def test_skip_bad_rows_imports_good_people_and_skips_their_reports(departments, tmp_path):
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00001,ann,Ann,Archer,ann@city.example,IT,,E00002,,",
        "E00002,ben,Ben,Baker,ben@city.example,NOPE,,,,",
        "E00003,cleo,Cleo,Chief,cleo@city.example,IT,,,,",
    )

    code, out, err = run("import_people", path, "--skip-bad-rows")

    assert code == 0
    assert out.strip() == "people: 1 created, 0 updated, 0 unchanged, 2 bad rows skipped"
    assert "line 3: department_code 'NOPE' does not exist" in err
    assert (
        "line 2: manager_employee_id 'E00002' is defined on line 3, which cannot be imported" in err
    )
    assert list(Person.objects.values_list("employee_id", flat=True)) == ["E00003"]


def test_people_dry_run_reports_and_writes_nothing(departments, tmp_path):
    PersonFactory(employee_id="E00001", username="ann", first_name="Ann", last_name="Old")
    before = directory_snapshot()
    path = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00001,ann,Ann,Archer,ann@city.example,IT,,,,",
        "E00002,ben,Ben,Baker,ben@city.example,IT,,E00001,,",
    )

    code, out, _ = run("import_people", path, "--dry-run")

    assert code == 0
    assert out.strip() == "people: 1 created, 1 updated, 0 unchanged (dry run, nothing written)"
    assert directory_snapshot() == before


def test_dry_run_of_a_bad_file_fails_like_the_real_run_would(departments, tmp_path):
    path = write_csv(tmp_path, PEOPLE_HEADER, "E00001,ann,Ann,Archer,ann@city.example,NOPE,,,,")

    code, _, err = run("import_people", path, "--dry-run")

    assert code == 1
    assert "line 2: department_code 'NOPE' does not exist" in err
    assert not Person.objects.exists()


def test_a_people_file_without_a_required_column_is_refused(departments, tmp_path):
    path = write_csv(
        tmp_path,
        "employee_id,username,first_name,last_name,department_code",
        "E00001,ann,Ann,Archer,IT",
    )

    code, _, err = run("import_people", path)

    assert code == 2
    assert "missing column(s) email" in err
    assert not Person.objects.exists()


# --- The installed command ------------------------------------------------------------------


def test_the_staffdesk_command_reports_bad_rows_on_stderr_with_exit_code_1(tmp_path):
    """Runs `staffdesk import-…` as a user would, against its own freshly migrated database."""
    staffdesk = Path(sys.executable).with_name("staffdesk")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "STAFFDESK_VAR_DIR": str(tmp_path / "var"),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(staffdesk), *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert cli("migrate", "--no-input", "-v", "0").returncode == 0
    departments = write_csv(
        tmp_path, DEPARTMENTS_HEADER, "IT,Information Technology,,", name="d.csv"
    )
    good = write_csv(tmp_path, PEOPLE_HEADER, "E00001,ann,Ann,Archer,ann@city.example,IT,,,,")
    bad = write_csv(
        tmp_path,
        PEOPLE_HEADER,
        "E00002,ben,Ben,Baker,ben@city.example,IT,,,,",
        "E00003,cleo,Cleo,Chief,cleo@city.example,XYZ,,,2024-13-01,",
        name="bad.csv",
    )

    assert cli("import-departments", str(departments)).returncode == 0
    first = cli("import-people", str(good))
    again = cli("import-people", str(good))
    refused = cli("import-people", str(bad))
    dry = cli("import-people", str(bad), "--dry-run", "--skip-bad-rows")
    wrong = cli("import-people", str(departments))

    assert (first.returncode, first.stdout) == (0, "people: 1 created, 0 updated, 0 unchanged\n")
    assert again.stdout == "people: 0 created, 0 updated, 1 unchanged\n"
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "line 3: department_code 'XYZ' does not exist" in refused.stderr
    assert "line 3: start_date '2024-13-01' is not a date" in refused.stderr
    assert "1 bad row(s) in bad.csv; nothing was written" in refused.stderr
    assert dry.returncode == 0
    assert dry.stdout.startswith("people: 1 created, 0 updated, 0 unchanged, 1 bad rows skipped")
    assert cli("import-people", str(good)).stdout.endswith("1 unchanged\n")  # bad.csv wrote nothing
    assert wrong.returncode == 2
    assert "missing column(s) employee_id" in wrong.stderr

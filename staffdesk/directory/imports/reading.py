"""Reading an import file: the header checked against the expected columns, then the rows."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from staffdesk.core.errors import DomainError

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
class _Row:
    line: int
    values: dict[str, str]
    extra_values: int = 0
    parsed: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def _read_csv(path: Path, expected: Columns) -> tuple[list[str], list[_Row]]:
    """The columns the header names, and every row that holds a value, with its line number."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            fieldnames = reader.fieldnames or []
            columns = _check_header(path, fieldnames, expected)
            rows = []
            for record in reader:
                # Values past the header: DictReader lists them under the key None.
                extra = cast("list[str]", record.pop(None, None) or [])
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


def _check_header(path: Path, fieldnames: Sequence[str], expected: Columns) -> list[str]:
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

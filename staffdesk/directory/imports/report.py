"""What an import found and did: the problems of each row, then the counts for the user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from staffdesk.directory.imports.reading import _Row

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


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

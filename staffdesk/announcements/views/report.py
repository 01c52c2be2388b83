"""The read-receipt report of an announcement and its CSV export (its publishers only)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from staffdesk.announcements import selectors
from staffdesk.announcements.views.news import access
from staffdesk.core.http import allow_methods
from staffdesk.directory.types import AuthenticatedHttpRequest


@allow_methods("GET")
@login_required
def announcement_report(request: AuthenticatedHttpRequest, announcement_id: int) -> HttpResponse:
    announcement = access(request, announcement_id)
    report = selectors.receipt_report(user=request.user, announcement=announcement)
    return render(request, "announcements/report.html", {"report": report, "item": announcement})


class _Echo:
    def write(self, value: str) -> str:
        return value


@allow_methods("GET")
@login_required
def announcement_report_csv(
    request: AuthenticatedHttpRequest, announcement_id: int
) -> StreamingHttpResponse:
    """Everyone in the audience and what they did, one row each (streamed)."""
    announcement = access(request, announcement_id)
    lines = selectors.receipt_lines(user=request.user, announcement=announcement)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            ["name", "username", "department", "viewed_at", "acknowledged_version",
             "acknowledged_at", "reminded_at"]
        )  # fmt: skip
        for line in lines:
            yield writer.writerow(
                [
                    _spreadsheet_safe(line.name),
                    _spreadsheet_safe(line.username),
                    _spreadsheet_safe(line.department),
                    _iso(line.viewed_at),
                    line.acknowledged_version or "",
                    _iso(line.acknowledged_at),
                    _iso(line.reminded_at),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="announcement-{announcement.pk}-receipts.csv"'
    )
    return response


def _spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""

"""The Jinja2 helpers write what the Django filters they stand for write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from staffdesk.core import jinja

MOMENTS = [
    datetime(2025, 3, 3, 14, 5, 9, 123456, tzinfo=UTC),  # winter time in New York
    datetime(2025, 7, 14, 3, 0, tzinfo=UTC),  # summer time, the day before there
    datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
]
FILTERS = {
    "iso": "date:'c'",
    "day_month": "date:'D j M'",
    "clock_zone": "date:'H:i T'",
    "minute": "date:'Y-m-d H:i'",
    "day_time": 'date:"j M Y, H:i T"',
    "timesince": "timesince",
}


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "UTC"])
@pytest.mark.parametrize("name", list(FILTERS))
def test_each_helper_writes_what_its_django_filter_writes(name, zone):
    with timezone.override(zone):
        for moment in MOMENTS:
            django = Template("{{ value|" + FILTERS[name] + " }}").render(
                Context({"value": moment})
            )
            assert getattr(jinja, name)(moment) == django


@pytest.mark.parametrize("number", [0, 7, 1000, 1234567])
def test_counts_are_grouped_as_floatformat_g_groups_them(number):
    django = Template('{{ value|floatformat:"0g" }}').render(Context({"value": number}))
    assert jinja.count(number) == django


def test_rows_are_escaped():
    html = jinja.render_rows("requests/queue_results.html", {"page_notice": "<b>stale</b>"})
    assert "&lt;b&gt;stale&lt;/b&gt;" in html
    assert "<b>" not in html

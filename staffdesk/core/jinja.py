"""The Jinja2 environment of the templates that render many rows (the queue's results).

Django templates cost about 0.1 ms a row for the queue's ten cells, most of it in variable
lookups, includes and the `date` filter; Jinja2 compiles a template to Python. Templates live
in an app's `jinja2/` folder and are rendered with `render_rows`, the pages around them stay
Django templates. The helpers below write exactly what the Django filters of the same name
write (`tests/core/test_jinja.py` compares them), without parsing a format string per call.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import Any

from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from jinja2 import Environment

# The current time zone, read once per `render_rows` (a row's three dates would each look
# it up through Django's thread-and-task local otherwise).
_zone: ContextVar[tzinfo | None] = ContextVar("jinja_zone", default=None)


def _localtime(value: datetime) -> datetime:
    return value.astimezone(_zone.get() or timezone.get_current_timezone())


def iso(value: datetime) -> str:
    """`|date:'c'`: ISO 8601 in the current time zone."""
    return _localtime(value).isoformat()


def day_month(value: datetime) -> str:
    """`|date:'D j M'`: "Mon 3 Mar"."""
    local = _localtime(value)
    return f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {str(MONTHS_3[local.month]).title()}"


def clock_zone(value: datetime) -> str:
    """`|date:'H:i T'`: "09:30 EST"."""
    local = _localtime(value)
    return f"{local:%H:%M} {local.tzname()}"


def minute(value: datetime) -> str:
    """`|date:'Y-m-d H:i'`."""
    return f"{_localtime(value):%Y-%m-%d %H:%M}"


def day_time(value: datetime) -> str:
    """`|date:"j M Y, H:i T"`: "3 Mar 2025, 09:30 EST"."""
    local = _localtime(value)
    month = str(MONTHS_3[local.month]).title()
    return f"{local.day} {month} {local.year}, {local:%H:%M} {local.tzname()}"


def count(value: int) -> str:
    """`|floatformat:"0g"` of a whole number: "1,000"."""
    return f"{value:,}"


def environment(**options: Any) -> Environment:
    env = Environment(**options)  # noqa: S701 - TEMPLATES sets autoescape
    env.globals["url"] = reverse
    env.filters |= {
        "iso": iso,
        "day_month": day_month,
        "clock_zone": clock_zone,
        "minute": minute,
        "day_time": day_time,
        "timesince": timesince,
        "count": count,
    }
    return env


def render_rows(template: str, context: dict[str, Any]) -> SafeString:
    """A Jinja2 template (autoescaped) as markup a Django template may include."""
    token = _zone.set(timezone.get_current_timezone())
    try:
        html = engines["jinja2"].get_template(template).render(context)
    finally:
        _zone.reset(token)
    return mark_safe(html)  # noqa: S308 - autoescaped

"""Time zones and public-holiday regions: checking them and reading holidays from `holidays`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


def time_zone_error(name: str) -> str | None:
    """Why `name` is not a usable IANA time zone, or None when it is."""
    if not name:
        return "Choose a time zone, e.g. America/New_York."
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):
        return f"{name!r} is not an IANA time zone name (e.g. America/New_York)."
    return None


@lru_cache(maxsize=1)
def _supported() -> dict[str, tuple[str, ...]]:
    return {
        code: tuple(subdivisions)
        for code, subdivisions in holidays.list_supported_countries().items()
    }


def holiday_region_errors(country: str, subdivision: str) -> dict[str, list[str]]:
    """Per-field messages for a country (ISO 3166-1 alpha-2) and subdivision, empty when fine."""
    if not country:
        if subdivision:
            return {"holiday_subdivision": ["A subdivision needs a country."]}
        return {}
    subdivisions = _supported().get(country)
    if subdivisions is None:
        return {"holiday_country": [f"No public holidays are known for country {country!r}."]}
    if subdivision and subdivision not in subdivisions:
        return {
            "holiday_subdivision": [
                f"{subdivision!r} is not a subdivision of {country}: one of "
                f"{', '.join(subdivisions[:12])}{'…' if len(subdivisions) > 12 else ''}."
            ]
        }
    return {}


def public_holidays(country: str, subdivision: str, years: range) -> dict[date, str]:
    """{date: name} of the public holidays (observed days included) in those years."""
    if not country or not years:
        return {}
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    return dict(found.items())

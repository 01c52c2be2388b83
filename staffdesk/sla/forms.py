"""The admin's forms for calendars and agreements: a time zone from the list, working hours
copied from one weekday to others, targets written as durations, pausing statuses as boxes.

The stored values are the models' own (an IANA name, intervals, business minutes, a JSON
list of status names); only the way an administrator writes them changes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast
from zoneinfo import available_timezones

from django import forms

from staffdesk.sla.models import AgreementTarget, Weekday
from staffdesk.sla.statuses import request_statuses

# A business day in a duration ("2d"): the usual office day. Targets stay business minutes,
# so a 24x7 calendar counts "1d" as 8 hours of it too; the help text says so.
BUSINESS_DAY_MINUTES = 8 * 60
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?")
DURATION_HELP = "Business time: 90 (minutes), 45m, 4h, 1h30m or 2d (a business day counts 8 hours)."


def parse_duration(text: str) -> int | None:
    """Business minutes of "90", "45m", "4h", "1h30m", "2d", "1d 4h"; None if not a duration."""
    compact = re.sub(r"\s+", "", text.lower())
    if compact.isdigit():
        return int(compact)
    match = _DURATION.fullmatch(compact)
    if not compact or match is None:
        return None
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return days * BUSINESS_DAY_MINUTES + hours * 60 + minutes


def format_duration(minutes: int) -> str:
    """`minutes` as it reads best: whole business days as "2d", else hours and minutes."""
    if minutes and minutes % BUSINESS_DAY_MINUTES == 0:
        return f"{minutes // BUSINESS_DAY_MINUTES}d"
    hours, rest = divmod(minutes, 60)
    return "".join(part for part in (f"{hours}h" if hours else "", f"{rest}m" if rest else ""))


class DurationField(forms.Field):
    """Business minutes written as a duration (DURATION_HELP); at least one minute."""

    widget = forms.TextInput(attrs={"size": 8})

    def prepare_value(self, value: object) -> object:
        return format_duration(value) if isinstance(value, int) else value

    def to_python(self, value: object) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, int):
            return value
        minutes = parse_duration(str(value))
        if minutes is None or minutes < 1:
            raise forms.ValidationError(
                f"{value!s} is not a duration: write e.g. 90, 45m, 4h, 1h30m or 2d.",
                code="invalid",
            )
        return minutes


class AgreementTargetForm(forms.ModelForm):
    """One priority's targets, written as durations and stored in business minutes."""

    first_response_minutes = DurationField(label="First response", help_text=DURATION_HELP)
    resolution_minutes = DurationField(label="Resolution", help_text=DURATION_HELP)

    class Meta:
        model = AgreementTarget
        fields = ["priority", "first_response_minutes", "resolution_minutes"]


class AgreementForm(forms.ModelForm):
    """An agreement (the admin gives the model and fields); its pausing statuses are ticked
    from the request statuses."""

    pausing_statuses = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="While a request is in a ticked status, its resolution clock pauses.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(request_statuses())
        known = {value for value, _ in choices}
        # A stored status the list no longer has stays listed (and ticked), never dropped.
        stored = self.instance.pausing_statuses or []
        choices += [(value, value) for value in stored if value not in known]
        cast(forms.MultipleChoiceField, self.fields["pausing_statuses"]).choices = choices


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


class BusinessCalendarForm(forms.ModelForm):
    """A calendar (the admin gives the model and fields): its time zone from the list, and a
    copy of one weekday's hours to others."""

    time_zone = forms.ChoiceField(help_text="Where the working hours are local time.")
    copy_hours_from = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "---------"), *Weekday.choices],
        label="Copy the hours of",
        help_text="After the working hours below are saved, this day's hours replace those "
        "of the days ticked next.",
    )
    copy_hours_to = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        label="To",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *time_zone_choices()]
        current = self.instance.time_zone
        if current and current not in dict(choices):
            choices.append((current, current))  # a legacy name stays selectable
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        source, targets = data.get("copy_hours_from"), data.get("copy_hours_to") or []
        if source is None and targets:
            self.add_error("copy_hours_from", "Choose the day whose hours to copy.")
        if source is not None and not [day for day in targets if day != source]:
            self.add_error("copy_hours_to", "Tick the days to copy the hours to.")
        return data

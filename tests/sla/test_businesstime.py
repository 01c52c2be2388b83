"""The issue's cases, worked by hand: office hours, holidays, DST, split days, 24x7, closures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from staffdesk.sla.businesstime import CalendarSpec, add_business_time, business_time_between

NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)
OFFICE_DAY = ((time(8), time(18)),)
US_PA = frozenset(holidays.country_holidays("US", subdiv="PA", years=range(2025, 2028)))
OFFICE = CalendarSpec("America/New_York", weekly=(OFFICE_DAY,) * 5 + ((), ()), holidays=US_PA)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_four_hour_target_opened_monday_at_five_is_due_tuesday_at_eleven():
    opened = ny(2026, 10, 5, 17)  # Monday
    assert add_business_time(opened, 4 * H, OFFICE) == ny(2026, 10, 6, 11)
    # 75 % of the target is used at 10:00 on Tuesday, not overnight.
    assert add_business_time(opened, 3 * H, OFFICE) == ny(2026, 10, 6, 10)
    assert business_time_between(opened, ny(2026, 10, 6, 10), OFFICE) == 3 * H


def test_results_are_utc_whatever_the_input_zone():
    due = add_business_time(ny(2026, 10, 5, 17), 4 * H, OFFICE)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 10, 6, 15, tzinfo=UTC)


def test_opened_the_friday_before_labor_day():
    assert date(2026, 9, 7) in US_PA
    opened = ny(2026, 9, 4, 17)  # Friday; Monday 7 September is Labor Day
    assert add_business_time(opened, 4 * H, OFFICE) == ny(2026, 9, 8, 11)
    assert business_time_between(opened, ny(2026, 9, 9, 8), OFFICE) == 11 * H


def test_opened_on_a_holiday_starts_counting_the_next_business_morning():
    opened = ny(2026, 9, 7, 10)  # Labor Day
    assert OFFICE.is_closed_day(date(2026, 9, 7))
    assert add_business_time(opened, 4 * H, OFFICE) == ny(2026, 9, 8, 12)
    assert business_time_between(opened, ny(2026, 9, 8, 8), OFFICE) == timedelta(0)


def test_spring_forward_weekend_in_new_york():
    opened = ny(2026, 3, 6, 17)  # Friday EST; clocks jump 02:00 -> 03:00 on Sunday 8 March
    due = add_business_time(opened, 4 * H, OFFICE)
    assert due == ny(2026, 3, 9, 11) and due.astimezone(NY).utcoffset() == -4 * H
    assert due - opened == 65 * H  # real time: one hour shorter than the wall clock says


def test_fall_back_weekend_in_new_york():
    opened = ny(2026, 10, 30, 17)  # Friday EDT; clocks fall back 02:00 -> 01:00 on 1 Nov
    due = add_business_time(opened, 4 * H, OFFICE)
    assert due == ny(2026, 11, 2, 11)
    assert due - opened == 67 * H


def test_working_day_on_a_dst_change_keeps_its_local_hours():
    sundays = CalendarSpec("America/New_York", weekly=((),) * 6 + (OFFICE_DAY,))
    assert business_time_between(ny(2026, 3, 8), ny(2026, 3, 9), sundays) == 10 * H
    assert add_business_time(ny(2026, 3, 8), 10 * H, sundays) == ny(2026, 3, 8, 18)
    assert business_time_between(ny(2026, 11, 1), ny(2026, 11, 2), sundays) == 10 * H


def test_interval_across_the_skipped_hour_is_shortened_and_the_repeated_hour_counts_twice():
    nights = CalendarSpec("America/New_York", weekly=(((time(0), time(6)),),) * 7)
    assert business_time_between(ny(2026, 3, 8), ny(2026, 3, 9), nights) == 5 * H
    assert business_time_between(ny(2026, 11, 1), ny(2026, 11, 2), nights) == 7 * H
    # 01:45 EST + 30 min: 15 min to the jump, then 03:00 EDT + 15 min.
    assert add_business_time(ny(2026, 3, 8, 1, 45), H / 2, nights) == ny(2026, 3, 8, 3, 15)
    # 01:30 EDT + 1 h is 01:30 EST, the second time the wall clock shows 01:30.
    first_half_past_one = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert add_business_time(first_half_past_one, H, nights) == datetime(
        2026, 11, 1, 6, 30, tzinfo=UTC
    )


def test_interval_inside_the_skipped_hour_has_no_time():
    gap = CalendarSpec("America/New_York", weekly=(((time(2, 15), time(2, 45)),),) * 7)
    assert business_time_between(ny(2026, 3, 8), ny(2026, 3, 9), gap) == timedelta(0)
    assert business_time_between(ny(2026, 3, 9), ny(2026, 3, 10), gap) == H / 2
    assert add_business_time(ny(2026, 3, 8), H / 2, gap) == ny(2026, 3, 9, 2, 45)


def test_split_days_skip_lunch():
    split = CalendarSpec(
        "America/New_York", weekly=((((time(8), time(12)), (time(13), time(17)))),) * 5 + ((), ())
    )
    assert add_business_time(ny(2026, 10, 5, 11), 2 * H, split) == ny(2026, 10, 5, 14)
    assert business_time_between(ny(2026, 10, 5, 11, 30), ny(2026, 10, 5, 13, 30), split) == H
    assert add_business_time(ny(2026, 10, 5, 12, 30), H / 4, split) == ny(2026, 10, 5, 13, 15)
    # Used up exactly at lunch: the due time is 12:00, not 13:00.
    assert add_business_time(ny(2026, 10, 5, 11), H, split) == ny(2026, 10, 5, 12)


def test_touching_intervals_act_as_one():
    touching = CalendarSpec("UTC", weekly=(((time(9), time(12)), (time(12), time(15))),) * 7)
    at_nine = datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert add_business_time(at_nine, 6 * H, touching) == datetime(2026, 1, 5, 15, tzinfo=UTC)


def test_always_open_counts_real_time_across_dst():
    always = CalendarSpec("America/New_York", always_open=True)
    assert add_business_time(ny(2026, 3, 7, 12), 24 * H, always) == ny(2026, 3, 8, 13)
    assert business_time_between(ny(2026, 3, 8), ny(2026, 3, 9), always) == 23 * H
    assert business_time_between(ny(2026, 11, 1), ny(2026, 11, 2), always) == 25 * H


def test_always_open_still_honours_closed_days_when_given():
    closed_christmas = CalendarSpec(
        "America/New_York", always_open=True, holidays=frozenset({date(2026, 12, 25)})
    )
    assert add_business_time(ny(2026, 12, 24, 23), 2 * H, closed_christmas) == ny(2026, 12, 26, 1)


def test_closures_are_skipped_like_holidays():
    with_closure = CalendarSpec(
        "America/New_York",
        weekly=OFFICE.weekly,
        holidays=US_PA | {date(2026, 10, 6)},  # the office closes on Tuesday
    )
    assert add_business_time(ny(2026, 10, 5, 17), 4 * H, with_closure) == ny(2026, 10, 7, 11)


def test_interval_ending_at_midnight():
    evenings = CalendarSpec("UTC", weekly=(((time(22), time(0)),),) * 7)
    start = datetime(2026, 1, 5, 23, tzinfo=UTC)
    assert add_business_time(start, 2 * H, evenings) == datetime(2026, 1, 6, 23, tzinfo=UTC)
    assert business_time_between(start, start + 24 * H, evenings) == 2 * H


def test_zero_duration_returns_the_start_even_outside_hours():
    saturday = ny(2026, 10, 3, 12)
    assert add_business_time(saturday, timedelta(0), OFFICE) == saturday
    assert add_business_time(saturday, timedelta(microseconds=1), OFFICE) == ny(
        2026, 10, 5, 8, 0, 0, 1
    )


def test_duration_used_up_at_closing_returns_the_closing_instant():
    assert add_business_time(ny(2026, 10, 5, 8), 10 * H, OFFICE) == ny(2026, 10, 5, 18)


def test_long_targets_skip_whole_weeks_and_still_see_holidays():
    opened = ny(2026, 11, 2, 8)  # Monday; Veterans Day and Thanksgiving (+ Friday) follow
    due = add_business_time(opened, 30 * 10 * H, OFFICE)
    assert due == ny(2026, 12, 16, 18)
    assert business_time_between(opened, due, OFFICE) == 300 * H


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert business_time_between(ny(2026, 10, 6, 12), ny(2026, 10, 6, 10), OFFICE) == timedelta(0)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="naive"):
        add_business_time(datetime(2026, 10, 5, 9), H, OFFICE)  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(ny(2026, 10, 5, 9), -H, OFFICE)
    never = CalendarSpec("UTC", weekly=((),) * 7)
    with pytest.raises(ValueError, match="no working hours"):
        add_business_time(ny(2026, 10, 5, 9), H, never)
    assert business_time_between(ny(2026, 10, 5), ny(2026, 10, 9), never) == timedelta(0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
        ({"time_zone": "UTC", "weekly": (OFFICE_DAY,) * 5}, "7 entries"),
        (
            {"time_zone": "UTC", "weekly": (((time(9), time(12)), (time(11), time(13))),) * 7},
            "overlaps",
        ),
        ({"time_zone": "UTC", "weekly": (((time(12), time(9)),),) * 7}, "ends before"),
    ],
)
def test_malformed_calendars_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CalendarSpec(**kwargs)


def test_is_closed_day():
    assert OFFICE.is_closed_day(date(2026, 10, 3))  # Saturday
    assert OFFICE.is_closed_day(date(2026, 12, 25))
    assert not OFFICE.is_closed_day(date(2026, 10, 5))
    assert not CalendarSpec("UTC", always_open=True).is_closed_day(date(2026, 10, 3))


def test_specs_are_hashable_values():
    again = CalendarSpec("America/New_York", weekly=OFFICE.weekly, holidays=US_PA)
    assert again == OFFICE and hash(again) == hash(OFFICE)

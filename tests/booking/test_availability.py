"""The pure availability core: working hours, bookings and time off in, free slots out.

No database and no app: these tests call the functions directly. Local times are in
America/Los_Angeles unless a test says otherwise; 2026-03-08 (23 hours) and 2026-11-01
(25 hours) are its daylight-saving days.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicsite.scheduling.availability import (
    DEFAULT_STEP,
    ExtraHours,
    Interval,
    Rules,
    Slot,
    WeeklyHours,
    free_slots,
    local_days,
    working_intervals,
)

LA = ZoneInfo("America/Los_Angeles")
PAST = datetime(2025, 1, 1, tzinfo=UTC)  # a `now` long before every test day
WINTER_MONDAY = date(2026, 1, 5)
SUMMER_MONDAY = date(2026, 7, 6)
NORMAL_SUNDAY = date(2026, 3, 1)
SPRING_FORWARD = date(2026, 3, 8)  # 02:00 PST -> 03:00 PDT
FALL_BACK = date(2026, 11, 1)  # 02:00 PDT -> 01:00 PST


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def make_rules(duration=60, buffer=0, step=15, notice=0, horizon=timedelta(days=1000), tz=LA):
    return Rules(minutes(duration), minutes(buffer), minutes(step), minutes(notice), horizon, tz)


def local(day: date, clock: str, fold: int = 0, tz: ZoneInfo = LA) -> datetime:
    """A local wall-clock time on `day`, as aware UTC."""
    naive = datetime.combine(day, time.fromisoformat(clock))
    return naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def hours(day: date, start: str, end: str, location_id: int = 1) -> WeeklyHours:
    return WeeklyHours(
        day.weekday(), time.fromisoformat(start), time.fromisoformat(end), location_id
    )


def slots_on(day: date, start="09:00", end="12:00", *, now=PAST, busy=(), time_off=(), **rules):
    weekly = [hours(day, start, end)]
    return free_slots(
        days=[day], weekly=weekly, busy=busy, time_off=time_off, rules=make_rules(**rules), now=now
    )


def walls(slots: list[Slot]) -> list[str]:
    return [slot.start.astimezone(LA).strftime("%H:%M") for slot in slots]


def offset_hours(slot: Slot) -> float:
    """The UTC offset of the slot's local start, in hours (-8 for PST, -7 for PDT)."""
    return slot.start.astimezone(LA).utcoffset() / timedelta(hours=1)


def offsets(slots: list[Slot]) -> set[float]:
    return {offset_hours(slot) for slot in slots}


def quarter_hours(first: str, last: str) -> list[str]:
    start, stop = time.fromisoformat(first), time.fromisoformat(last)
    clock = datetime.combine(NORMAL_SUNDAY, start)
    out = []
    while clock.time() <= stop:
        out.append(clock.strftime("%H:%M"))
        clock += minutes(15)
    return out


# --- Basics ---------------------------------------------------------------------------


def test_morning_range_gives_hourly_starts_every_quarter_hour_in_winter():
    slots = slots_on(WINTER_MONDAY)
    assert walls(slots) == quarter_hours("09:00", "11:00")
    assert len(slots) == 9
    assert slots[0].start == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)  # PST, UTC-8
    assert slots[-1].start == datetime(2026, 1, 5, 19, 0, tzinfo=UTC)
    assert all(slot.end - slot.start == minutes(60) for slot in slots)
    assert all(slot.start.utcoffset() == timedelta(0) for slot in slots)
    assert {slot.location_id for slot in slots} == {1}


def test_summer_date_uses_daylight_offset():
    slots = slots_on(SUMMER_MONDAY)
    assert walls(slots) == quarter_hours("09:00", "11:00")
    assert slots[0].start == datetime(2026, 7, 6, 16, 0, tzinfo=UTC)  # PDT, UTC-7
    assert offsets(slots) == {-7}


def test_a_day_without_hours_has_no_slots():
    assert slots_on(WINTER_MONDAY, "09:00", "09:59") == []  # shorter than the service
    assert free_slots(days=[WINTER_MONDAY], weekly=[], rules=make_rules(), now=PAST) == []


def test_local_days_counts_consecutive_dates():
    assert local_days(date(2026, 2, 27), 3) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]
    assert local_days(WINTER_MONDAY, 0) == []
    with pytest.raises(ValueError):
        local_days(WINTER_MONDAY, -1)


def test_default_step_is_a_quarter_hour():
    assert DEFAULT_STEP == minutes(15)


# --- Busy intervals and buffers ---------------------------------------------------------


def test_busy_interval_blocks_overlapping_starts():
    busy = [Interval(local(WINTER_MONDAY, "10:00"), local(WINTER_MONDAY, "10:30"))]
    # 09:00 ends exactly when the booking starts; 10:30 starts exactly when it ends.
    assert walls(slots_on(WINTER_MONDAY, busy=busy)) == ["09:00", "10:30", "10:45", "11:00"]


def test_buffer_running_into_next_booking_excludes_the_start():
    busy = [Interval(local(WINTER_MONDAY, "10:00"), local(WINTER_MONDAY, "10:30"))]
    assert walls(slots_on(WINTER_MONDAY, busy=busy, buffer=15)) == ["10:30", "10:45", "11:00"]


def test_bookings_touching_a_slot_on_both_sides_are_allowed():
    busy = [
        Interval(local(WINTER_MONDAY, "08:00"), local(WINTER_MONDAY, "09:00")),
        Interval(local(WINTER_MONDAY, "10:00"), local(WINTER_MONDAY, "11:00")),
    ]
    assert walls(slots_on(WINTER_MONDAY, busy=busy)) == ["09:00", "11:00"]


def test_buffer_may_run_past_closing_time_but_not_into_a_booking():
    assert walls(slots_on(WINTER_MONDAY, buffer=30))[-1] == "11:00"
    busy = [Interval(local(WINTER_MONDAY, "12:15"), local(WINTER_MONDAY, "13:00"))]
    assert walls(slots_on(WINTER_MONDAY, buffer=30, busy=busy))[-1] == "10:45"


def test_busy_times_in_another_zone_are_normalised_to_utc():
    start, end = local(WINTER_MONDAY, "10:00"), local(WINTER_MONDAY, "10:30")
    in_la = [Interval(start.astimezone(LA), end.astimezone(LA))]
    assert slots_on(WINTER_MONDAY, busy=in_la) == slots_on(
        WINTER_MONDAY, busy=[Interval(start, end)]
    )


def test_empty_busy_interval_blocks_nothing():
    moment = local(WINTER_MONDAY, "10:00")
    assert len(slots_on(WINTER_MONDAY, busy=[Interval(moment, moment)])) == 9


# --- Time off, notice and horizon -------------------------------------------------------


def test_time_off_removes_overlapping_slots_but_the_buffer_may_run_into_it():
    off = [Interval(local(WINTER_MONDAY, "10:00"), local(WINTER_MONDAY, "11:00"))]
    assert walls(slots_on(WINTER_MONDAY, time_off=off, buffer=30)) == ["09:00", "11:00"]


def test_min_notice_sets_the_earliest_start():
    now = local(WINTER_MONDAY, "09:10")
    assert walls(slots_on(WINTER_MONDAY, now=now, notice=30))[0] == "09:45"


def test_horizon_sets_the_latest_start():
    now = local(WINTER_MONDAY, "08:00")
    assert walls(slots_on(WINTER_MONDAY, now=now, horizon=timedelta(hours=2))) == [
        "09:00",
        "09:15",
        "09:30",
        "09:45",
        "10:00",
    ]


def test_notice_and_horizon_bounds_are_inclusive():
    now = local(WINTER_MONDAY, "08:30")
    slots = slots_on(WINTER_MONDAY, now=now, notice=30, horizon=timedelta(hours=2, minutes=30))
    assert walls(slots) == quarter_hours("09:00", "11:00")


def test_past_days_have_no_slots():
    later = datetime(2026, 2, 1, tzinfo=UTC)
    assert slots_on(WINTER_MONDAY, now=later) == []


# --- Extra hours and locations ----------------------------------------------------------


def test_extra_hours_add_a_one_off_range():
    tuesday = WINTER_MONDAY + timedelta(days=1)
    extra = [ExtraHours(tuesday, time(13), time(15), 1)]
    weekly = [hours(WINTER_MONDAY, "09:00", "12:00")]
    slots = free_slots(days=[tuesday], weekly=weekly, extra=extra, rules=make_rules(), now=PAST)
    assert walls(slots) == quarter_hours("13:00", "14:00")
    next_tuesday = tuesday + timedelta(days=7)
    rules = make_rules()
    assert free_slots(days=[next_tuesday], weekly=weekly, extra=extra, rules=rules, now=PAST) == []


def test_location_filter_keeps_only_that_locations_ranges():
    weekly = [hours(WINTER_MONDAY, "09:00", "11:00", 1), hours(WINTER_MONDAY, "13:00", "15:00", 2)]
    extra = [ExtraHours(WINTER_MONDAY, time(16), time(17), 1)]
    slots = free_slots(
        days=[WINTER_MONDAY],
        weekly=weekly,
        extra=extra,
        rules=make_rules(),
        now=PAST,
        location_id=2,
    )
    assert walls(slots) == quarter_hours("13:00", "14:00")
    assert {slot.location_id for slot in slots} == {2}


def test_slots_of_several_locations_sort_by_start_then_location():
    weekly = [hours(WINTER_MONDAY, "09:00", "10:15", 2), hours(WINTER_MONDAY, "09:00", "10:15", 1)]
    slots = free_slots(days=[WINTER_MONDAY], weekly=weekly, rules=make_rules(), now=PAST)
    assert [(wall, slot.location_id) for wall, slot in zip(walls(slots), slots, strict=True)] == [
        ("09:00", 1),
        ("09:00", 2),
        ("09:15", 1),
        ("09:15", 2),
    ]


def test_overlapping_ranges_at_one_location_are_merged_without_duplicates():
    weekly = [hours(WINTER_MONDAY, "09:00", "11:00"), hours(WINTER_MONDAY, "09:00", "11:00")]
    extra = [ExtraHours(WINTER_MONDAY, time(10), time(12), 1)]
    slots = free_slots(
        days=[WINTER_MONDAY], weekly=weekly, extra=extra, rules=make_rules(), now=PAST
    )
    assert walls(slots) == quarter_hours("09:00", "11:00")


def test_adjacent_ranges_merge_so_a_slot_may_span_both():
    weekly = [hours(WINTER_MONDAY, "09:00", "10:30"), hours(WINTER_MONDAY, "10:30", "12:00")]
    slots = free_slots(days=[WINTER_MONDAY], weekly=weekly, rules=make_rules(), now=PAST)
    assert walls(slots) == quarter_hours("09:00", "11:00")
    assert working_intervals(WINTER_MONDAY, weekly, [], LA) == [
        (Interval(local(WINTER_MONDAY, "09:00"), local(WINTER_MONDAY, "12:00")), 1)
    ]


def test_days_may_come_in_any_order_and_repeat():
    weekly = [WeeklyHours(weekday, time(9), time(11), 1) for weekday in range(7)]
    days = local_days(WINTER_MONDAY, 3)
    rules = make_rules()
    shuffled = [days[2], days[0], days[2], days[1]]
    assert free_slots(days=shuffled, weekly=weekly, rules=rules, now=PAST) == free_slots(
        days=days, weekly=weekly, rules=rules, now=PAST
    )


# --- Daylight saving time in Los Angeles ------------------------------------------------


def test_spring_forward_day_keeps_the_wall_clock_grid():
    slots = slots_on(SPRING_FORWARD, "09:00", "17:00")
    assert walls(slots) == walls(slots_on(NORMAL_SUNDAY, "09:00", "17:00"))
    assert walls(slots) == quarter_hours("09:00", "16:00")
    assert offsets(slots) == {-7}
    assert slots[0].start == datetime(2026, 3, 8, 16, 0, tzinfo=UTC)


def test_spring_forward_night_range_has_only_two_real_hours():
    [(working, _)] = working_intervals(
        SPRING_FORWARD, [hours(SPRING_FORWARD, "01:00", "04:00")], [], LA
    )
    assert working.end - working.start == timedelta(hours=2)
    slots = slots_on(SPRING_FORWARD, "01:00", "04:00")
    local_starts = list(zip(walls(slots), map(offset_hours, slots), strict=True))
    assert local_starts == [
        ("01:00", -8),
        ("01:15", -8),
        ("01:30", -8),
        ("01:45", -8),
        ("03:00", -7),
    ]
    assert [slot.start.strftime("%H:%M") for slot in slots] == [
        "09:00",
        "09:15",
        "09:30",
        "09:45",
        "10:00",
    ]


def test_fall_back_night_range_has_four_real_hours_and_one_oclock_twice():
    [(working, _)] = working_intervals(FALL_BACK, [hours(FALL_BACK, "00:00", "03:00")], [], LA)
    assert working.end - working.start == timedelta(hours=4)
    slots = slots_on(FALL_BACK, "00:00", "03:00")
    assert len(slots) == 13  # 07:00 ... 10:00 UTC
    pairs = list(zip(walls(slots), map(offset_hours, slots), strict=True))
    assert pairs[4:12] == [(f"01:{m:02d}", -7) for m in (0, 15, 30, 45)] + [
        (f"01:{m:02d}", -8) for m in (0, 15, 30, 45)
    ]
    assert pairs[0] == ("00:00", -7) and pairs[-1] == ("02:00", -8)


def test_fall_back_day_keeps_the_wall_clock_grid():
    slots = slots_on(FALL_BACK, "09:00", "17:00")
    assert walls(slots) == quarter_hours("09:00", "16:00")
    assert offsets(slots) == {-8}


def test_a_range_holds_both_occurrences_of_a_repeated_reading_and_nothing_else():
    # 01:30-02:00 on the fall-back night: 01:30-02:00 PDT, then 01:30-02:00 PST; the
    # 01:00-01:30 PST in between reads before 01:30, so it is not working time.
    change = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # 02:00 PDT becomes 01:00 PST
    assert working_intervals(FALL_BACK, [hours(FALL_BACK, "01:30", "02:00")], [], LA) == [
        (Interval(local(FALL_BACK, "01:30", fold=0), change), 1),
        (Interval(local(FALL_BACK, "01:30", fold=1), local(FALL_BACK, "02:00")), 1),
    ]
    slots = slots_on(FALL_BACK, "01:30", "02:00", duration=15)
    pairs = [(w, offset_hours(s)) for w, s in zip(walls(slots), slots, strict=True)]
    assert pairs == [("01:30", -7), ("01:45", -7), ("01:30", -8), ("01:45", -8)]


def test_a_range_ending_in_the_repeated_hour_ends_at_each_reading():
    # 00:00-01:30: working while the clock reads before 01:30, on both passes of 01:xx.
    slots = slots_on(FALL_BACK, "00:00", "01:30", duration=30, step=30)
    assert [(w, offset_hours(s)) for w, s in zip(walls(slots), slots, strict=True)] == [
        ("00:00", -7),
        ("00:30", -7),
        ("01:00", -7),
        ("01:00", -8),
    ]


def test_a_range_starting_inside_the_skipped_hour_opens_when_the_clock_jumps():
    # 02:30 does not exist on 2026-03-08: the first real instant after it is 03:00 PDT
    # (10:00 UTC). Before the fix it opened at 02:30 PST = 03:30 PDT, an hour late.
    [(working, _)] = working_intervals(
        SPRING_FORWARD, [hours(SPRING_FORWARD, "02:30", "05:00")], [], LA
    )
    assert working == Interval(
        datetime(2026, 3, 8, 10, 0, tzinfo=UTC), local(SPRING_FORWARD, "05:00")
    )
    assert walls(slots_on(SPRING_FORWARD, "02:30", "05:00", step=60)) == ["03:00", "04:00"]
    assert walls(slots_on(SPRING_FORWARD, "02:30", "04:00", duration=15)) == quarter_hours(
        "03:00", "03:45"
    )


def test_a_range_ending_inside_the_skipped_hour_closes_when_the_clock_jumps():
    # 00:00-02:30 closes at 03:00 PDT (10:00 UTC), not at 03:30 PDT.
    [(working, _)] = working_intervals(
        SPRING_FORWARD, [hours(SPRING_FORWARD, "00:00", "02:30")], [], LA
    )
    assert working.end == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    slots = slots_on(SPRING_FORWARD, "00:00", "02:30")
    assert walls(slots)[-1] == "01:00" and slots[-1].end == working.end  # 01:00-03:00 PDT


def test_a_range_inside_the_skipped_hour_is_empty_and_one_past_it_opens_at_the_jump():
    assert slots_on(SPRING_FORWARD, "02:10", "02:50", duration=15) == []
    assert walls(slots_on(SPRING_FORWARD, "02:30", "03:15", duration=15)) == ["03:00"]


def test_a_day_that_never_existed_has_no_hours():
    # Samoa skipped 2011-12-30 (UTC-10 to UTC+14).
    apia = ZoneInfo("Pacific/Apia")
    day = date(2011, 12, 30)
    weekly = [WeeklyHours(weekday, time(9), time(17), 1) for weekday in range(7)]
    rules = make_rules(tz=apia)
    assert working_intervals(day, weekly, [], apia) == []
    assert (
        free_slots(days=[day], weekly=weekly, rules=rules, now=datetime(2011, 1, 1, tzinfo=UTC))
        == []
    )
    around = free_slots(
        days=[day - timedelta(days=1), day + timedelta(days=1)],
        weekly=weekly,
        rules=rules,
        now=datetime(2011, 1, 1, tzinfo=UTC),
    )
    assert {s.start.astimezone(apia).date() for s in around} == {
        date(2011, 12, 29),
        date(2011, 12, 31),
    }


def test_hours_may_end_at_midnight_and_cross_it():
    # An end of 00:00 is 24:00; 22:00-02:00 runs into the next morning.
    assert walls(slots_on(WINTER_MONDAY, "22:00", "00:00"))[-1] == "23:00"
    overnight = slots_on(WINTER_MONDAY, "22:00", "02:00", step=30)
    assert walls(overnight) == ["22:00", "22:30", "23:00", "23:30", "00:00", "00:30", "01:00"]
    assert overnight[-1].end == local(WINTER_MONDAY + timedelta(days=1), "02:00")


def test_hourly_starts_stay_on_the_hour_after_a_half_hour_change():
    # Lord Howe Island moves its clocks by 30 minutes (2026-04-05: 02:00 +11 -> 01:30 +10:30).
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    day = date(2026, 4, 5)
    slots = free_slots(
        days=[day],
        weekly=[WeeklyHours(day.weekday(), time(0), time(6), 1)],
        rules=make_rules(step=60, tz=lord_howe),
        now=PAST,
    )
    readings = [s.start.astimezone(lord_howe).strftime("%H:%M") for s in slots]
    assert all(reading.endswith(":00") for reading in readings), readings
    assert readings.count("01:00") == 1 and "05:00" in readings


# --- Input validation -------------------------------------------------------------------

NAIVE = datetime(2026, 1, 5, 18)
AWARE = datetime(2026, 1, 5, 18, tzinfo=UTC)


@pytest.mark.parametrize(
    "change",
    [
        {"now": NAIVE},
        {"busy": [Interval(NAIVE, AWARE)]},
        {"busy": [Interval(AWARE, NAIVE)]},
        {"time_off": [Interval(NAIVE, NAIVE + minutes(30))]},
        {"busy": [Interval(AWARE, AWARE - minutes(1))]},
        {"rules": make_rules(duration=0)},
        {"rules": make_rules(duration=-15)},
        {"rules": make_rules(step=0)},
        {"rules": make_rules(step=-5)},
        {"rules": make_rules(buffer=-5)},
        {"weekly": [hours(WINTER_MONDAY, "12:00", "12:00")]},
        {"weekly": [WeeklyHours(7, time(9), time(12), 1)]},
        {"extra": [ExtraHours(WINTER_MONDAY, time(9), time(9), 1)]},
    ],
    ids=lambda change: next(iter(change)),
)
def test_invalid_input_is_refused(change):
    arguments = {
        "days": [WINTER_MONDAY],
        "weekly": [hours(WINTER_MONDAY, "09:00", "12:00")],
        "rules": make_rules(),
        "now": PAST,
    }
    with pytest.raises(ValueError):
        free_slots(**(arguments | change))


# --- Properties -------------------------------------------------------------------------
#
# Over every zone in zoneinfo.available_timezones(), on days near each zone's own clock
# changes (found by a scan below, independent of the module), and on a few named days.
# CLOCK_EXAMPLES raises the number of examples (CI keeps the default, a few seconds).

ALL_ZONES = sorted(available_timezones())
NAMED_ZONES = [
    LA,
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Australia/Lord_Howe"),  # 30-minute changes
    ZoneInfo("America/Santiago"),  # changes at midnight
    ZoneInfo("Pacific/Apia"),  # skipped 2011-12-30
    ZoneInfo("Africa/Casablanca"),  # Ramadan changes
    ZoneInfo("America/Havana"),  # changes at midnight
]
NAMED_DAYS = [
    SPRING_FORWARD,
    FALL_BACK,
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 4, 4),
    date(2026, 9, 6),
    date(2011, 12, 29),
    date(2011, 12, 30),
    date(2011, 12, 31),
]
# Minutes of the day near the usual transitions (midnight, 01:00-03:00) and the day's edges.
EDGY_MINUTES = [0, 30, 60, 90, 120, 150, 180, 1410, 1439]
EXAMPLES = int(os.environ.get("CLOCK_EXAMPLES", "100"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None)


@functools.cache
def change_days(key: str) -> list[date]:
    """Local dates of 2025-2027 on which the zone's offset changes (a day-by-day scan)."""
    tz = ZoneInfo(key)
    found = []
    day = date(2025, 1, 1)
    offset = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
    while day < date(2028, 1, 1):
        following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).utcoffset()
        if following != offset:
            found.append(day)
        day, offset = day + timedelta(days=1), following
    return found


def to_clock_range(minute_pair: tuple[int, int]) -> tuple[time, time]:
    """Two minutes of the day as a range; an end at or before the start is the next day."""
    first, second = minute_pair
    if first == second:
        second = (first + 1) % 1440
    return time(*divmod(first, 60)), time(*divmod(second, 60))


minute_of_day = st.one_of(st.integers(0, 1439), st.sampled_from(EDGY_MINUTES))
clock_ranges = st.tuples(minute_of_day, minute_of_day).map(to_clock_range)
# weekday 0-6 as is; 7-20 means "the weekday of one of the days", so hours usually apply.
weekly_fields = st.lists(
    st.tuples(st.integers(0, 20), clock_ranges, st.sampled_from([1, 2])), min_size=1, max_size=3
)
extra_fields = st.lists(
    st.tuples(st.integers(0, 2), clock_ranges, st.sampled_from([1, 2])), max_size=2
)
# (which day, minutes from its local midnight, length in minutes); length 0 is allowed.
span_fields = st.tuples(st.integers(0, 2), st.integers(-120, 26 * 60), st.integers(0, 240))
rules_fields = st.tuples(
    st.integers(15, 180),  # duration
    st.integers(0, 30),  # buffer
    st.sampled_from([5, 10, 15, 30, 60]),  # step
    st.integers(0, 12 * 60),  # min notice
    # horizon: usually wide; otherwise a cut (integers favour small values, so weight it).
    st.one_of(st.just(60 * 24 * 60), st.just(60 * 24 * 60), st.integers(0, 4 * 24 * 60)),
).map(lambda fields: tuple(minutes(n) for n in fields))
# `now`: (which day, minutes from its local midnight), from three days before to 06:00.
now_fields = st.tuples(st.integers(0, 2), st.integers(-3 * 24 * 60, 6 * 60))
zones = st.one_of(st.sampled_from(ALL_ZONES).map(ZoneInfo), st.sampled_from(NAMED_ZONES))


def near(days: list[date], tz: ZoneInfo, index: int, offset: int) -> datetime:
    """`offset` minutes after the first instant of one of `days`, as aware UTC."""
    midnight = datetime.combine(days[index % len(days)], time(0), tzinfo=tz).astimezone(UTC)
    return midnight + minutes(offset)


def span_near(days: list[date], tz: ZoneInfo, fields: tuple[int, int, int]) -> Interval:
    """An aware UTC interval placed relative to the local midnight of one of `days`."""
    index, offset, length = fields
    start = near(days, tz, index, offset)
    return Interval(start, start + minutes(length))


@st.composite
def scenarios(draw) -> dict:
    """Keyword arguments for free_slots: a few days, hours, bookings and time off."""
    tz = draw(zones)
    own = change_days(tz.key)
    day_choice = st.sampled_from(NAMED_DAYS) | st.dates(date(2025, 1, 1), date(2027, 12, 31))
    if own:
        day_choice = st.sampled_from(own) | st.sampled_from(own) | day_choice
    days = draw(st.lists(day_choice, min_size=1, max_size=3))
    weekly = [
        WeeklyHours(w if w < 7 else days[w % len(days)].weekday(), *clock, location)
        for w, clock, location in draw(weekly_fields)
    ]
    extra = [
        ExtraHours(days[i % len(days)], *clock, location)
        for i, clock, location in draw(extra_fields)
    ]
    return {
        "days": days,
        "weekly": weekly,
        "extra": extra,
        "time_off": [span_near(days, tz, f) for f in draw(st.lists(span_fields, max_size=3))],
        "busy": [span_near(days, tz, f) for f in draw(st.lists(span_fields, max_size=8))],
        "rules": Rules(*draw(rules_fields), tz=tz),
        "now": near(days, tz, *draw(now_fields)),
        "location_id": draw(st.sampled_from([None, None, 1, 2])),
    }


def overlaps(start: datetime, end: datetime, interval: Interval) -> bool:
    """Half-open overlap; an empty interval holds no instant, so it overlaps nothing."""
    return interval.start < interval.end and start < interval.end and interval.start < end


def reading(moment: datetime, tz: ZoneInfo) -> datetime:
    """The wall-clock reading at an instant (naive local time)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def wall_ranges(scenario: dict, day: date, location: int) -> list[tuple[datetime, datetime]]:
    """The day's ranges at a location as naive local datetimes, merged where they touch."""
    todays = [h for h in scenario["weekly"] if h.weekday == day.weekday()]
    todays += [h for h in scenario["extra"] if h.day == day]
    spans = []
    for h in todays:
        if h.location_id == location:
            first, last = datetime.combine(day, h.start), datetime.combine(day, h.end)
            spans.append((first, last if last > first else last + timedelta(days=1)))
    merged: list[tuple[datetime, datetime]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def brute_force_slots(scenario: dict) -> list[Slot]:
    """Minute by minute: a minute works when its wall-clock reading is inside a range; a
    start is every minute whose reading is whole steps from its range's first reading and
    whose appointment's every minute works."""
    rules, now = scenario["rules"], scenario["now"]
    tz, step = rules.tz, rules.step
    locations = {h.location_id for h in [*scenario["weekly"], *scenario["extra"]]}
    if scenario["location_id"] is not None:
        locations &= {scenario["location_id"]}
    found = set()
    for day in set(scenario["days"]):
        for location in locations:
            ranges = wall_ranges(scenario, day, location)
            if not ranges:
                continue
            minute = (ranges[0][0] - timedelta(hours=16)).replace(tzinfo=UTC)
            stop = (ranges[-1][1] + timedelta(hours=16)).replace(tzinfo=UTC)
            owner: dict[datetime, int] = {}  # working minute -> index of its range
            anchors: dict[int, datetime] = {}
            while minute < stop:
                wall = reading(minute, tz)
                for index, (first, last) in enumerate(ranges):
                    if first <= wall < last:
                        owner[minute] = index
                        anchors.setdefault(index, wall)
                minute += minutes(1)
            for start, index in owner.items():
                finish = start + rules.duration
                if (
                    (reading(start, tz) - anchors[index]) % step == timedelta(0)
                    and now + rules.min_notice <= start <= now + rules.horizon
                    and all(
                        start + minutes(m) in owner for m in range(rules.duration // minutes(1))
                    )
                    and not any(overlaps(start, finish + rules.buffer, b) for b in scenario["busy"])
                    and not any(overlaps(start, finish, o) for o in scenario["time_off"])
                ):
                    found.add(Slot(start, finish, location))
    return sorted(found, key=lambda slot: (slot.start, slot.location_id))


# Each property test pays for generating its scenarios, so closely related properties share
# one test.


@PROPERTY
@given(scenarios())
def test_slots_keep_clear_of_bookings_with_the_buffer_and_of_time_off(scenario):
    buffer = scenario["rules"].buffer
    for slot in free_slots(**scenario):
        assert not any(overlaps(slot.start, slot.end + buffer, b) for b in scenario["busy"])
        assert not any(overlaps(slot.start, slot.end, off) for off in scenario["time_off"])


@PROPERTY
@given(scenarios())
def test_slots_lie_inside_the_wall_clock_hours_and_round_trip(scenario):
    rules, now = scenario["rules"], scenario["now"]
    tz = rules.tz
    slots = free_slots(**scenario)
    for slot in slots:
        assert now + rules.min_notice <= slot.start <= now + rules.horizon
        assert scenario["location_id"] in (None, slot.location_id)
        # local -> UTC -> local: the reading with its fold names the instant again.
        local_start = slot.start.astimezone(tz)
        again = local_start.replace(tzinfo=None).replace(tzinfo=tz, fold=local_start.fold)
        assert again.astimezone(UTC) == slot.start
        assert reading(again.astimezone(UTC), tz) == local_start.replace(tzinfo=None)
    # Every minute of (a sample of) the slots reads inside one of its days' ranges.
    for slot in slots[:: max(1, len(slots) // 12)]:
        ranges = [
            span
            for day in set(scenario["days"])
            for span in wall_ranges(scenario, day, slot.location_id)
        ]
        moment = slot.start
        while moment < slot.end:
            wall = reading(moment, tz)
            assert any(first <= wall < last for first, last in ranges), (slot, wall)
            moment += minutes(1)


@PROPERTY
@given(scenarios())
def test_slots_are_sorted_unique_utc_and_last_the_duration(scenario):
    slots = free_slots(**scenario)
    keys = [(slot.start, slot.location_id) for slot in slots]
    assert keys == sorted(set(keys))
    for slot in slots:
        assert slot.end - slot.start == scenario["rules"].duration
        assert slot.start.utcoffset() == timedelta(0)


@PROPERTY
@given(scenarios(), st.data())
def test_adding_a_booking_never_adds_slots(scenario, data):
    tz = scenario["rules"].tz
    booking = span_near(scenario["days"], tz, data.draw(span_fields))
    before = set(free_slots(**scenario))
    after = set(free_slots(**(scenario | {"busy": [*scenario["busy"], booking]})))
    assert after <= before
    assert not any(overlaps(s.start, s.end + scenario["rules"].buffer, booking) for s in after)


@PROPERTY
@given(scenarios())
def test_matches_a_brute_force_minute_by_minute_scan(scenario):
    assert free_slots(**scenario) == brute_force_slots(scenario)

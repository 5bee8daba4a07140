"""Closures in the pure availability core: a closed span of the clinic or of one studio
removes every start whose appointment would touch it, on ordinary and daylight-saving days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinicsite.scheduling.availability import Closed, Rules, WeeklyHours, free_slots

LA = ZoneInfo("America/Los_Angeles")
PAST = datetime(2025, 1, 1, tzinfo=UTC)
SPRING_FORWARD = date(2026, 3, 8)  # 23 hours
FALL_BACK = date(2026, 11, 1)  # 25 hours
NORTH, SOUTH = 1, 2


def rules(duration=60) -> Rules:
    m = timedelta(minutes=1)
    return Rules(duration * m, 0 * m, 30 * m, 0 * m, timedelta(days=1000), LA)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LA).astimezone(UTC)


def at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LA).astimezone(UTC)


def whole_day(day: date, location_id=None) -> Closed:
    return Closed(midnight(day), midnight(day + timedelta(days=1)), location_id)


def every_day(start=None, end=None, location_id=NORTH) -> list[WeeklyHours]:
    """Open every day from `start` to `end`; without them, around the clock (two touching
    ranges, 00:00-12:00 and 12:00-24:00)."""
    if start is None:
        halves = [(time(0), time(12)), (time(12), time(0))]
    else:
        halves = [(time.fromisoformat(start), time.fromisoformat(end))]
    return [WeeklyHours(d, t0, t1, location_id) for d in range(7) for t0, t1 in halves]


def local_days_of(slots) -> set[date]:
    return {slot.start.astimezone(LA).date() for slot in slots}


@pytest.mark.parametrize("day", [date(2026, 12, 25), SPRING_FORWARD, FALL_BACK])
def test_a_whole_day_closure_leaves_no_start_that_day_but_keeps_the_next(day):
    days = [day - timedelta(days=1), day, day + timedelta(days=1)]
    slots = free_slots(
        days=days, weekly=every_day(), rules=rules(), now=PAST, closures=[whole_day(day)]
    )
    assert local_days_of(slots) == {days[0], days[2]}
    # The day before still runs to its last hour, the day after starts at midnight.
    assert max(s.end for s in slots if s.start < midnight(day)) == midnight(day)
    assert min(s.start for s in slots if s.start >= midnight(day)) == midnight(days[2])


def test_the_fall_back_closure_covers_both_readings_of_the_repeated_hour():
    # 25 hours of 30-minute steps on an open day; closed, not one of them is left.
    open_day = free_slots(days=[FALL_BACK], weekly=every_day(), rules=rules(30), now=PAST)
    assert len(open_day) == 50
    closed = free_slots(
        days=[FALL_BACK],
        weekly=every_day(),
        rules=rules(30),
        now=PAST,
        closures=[whole_day(FALL_BACK)],
    )
    assert closed == []


def test_an_afternoon_closure_on_the_spring_forward_day_keeps_the_morning():
    closure = Closed(at(SPRING_FORWARD, "13:00"), at(SPRING_FORWARD, "17:00"), NORTH)
    slots = free_slots(
        days=[SPRING_FORWARD],
        weekly=every_day("09:00", "19:00"),
        rules=rules(),
        now=PAST,
        closures=[closure],
    )
    starts = [s.start.astimezone(LA).strftime("%H:%M") for s in slots]
    assert "12:00" in starts and "17:00" in starts and "18:00" in starts
    # 12:30 would run into the closure; nothing starts inside it.
    assert not {"12:30", "13:00", "15:00", "16:30"} & set(starts)


def test_a_studio_closure_leaves_the_other_studio_open():
    day = date(2026, 12, 24)
    weekly = every_day("09:00", "12:00", NORTH) + every_day("09:00", "12:00", SOUTH)
    slots = free_slots(
        days=[day], weekly=weekly, rules=rules(), now=PAST, closures=[whole_day(day, NORTH)]
    )
    assert slots and {s.location_id for s in slots} == {SOUTH}


def test_a_clinic_closure_closes_every_studio():
    day = date(2026, 12, 24)
    weekly = every_day("09:00", "12:00", NORTH) + every_day("09:00", "12:00", SOUTH)
    slots = free_slots(
        days=[day], weekly=weekly, rules=rules(), now=PAST, closures=[whole_day(day)]
    )
    assert slots == []


def test_a_naive_closure_is_a_caller_bug():
    day = date(2026, 12, 24)
    naive = Closed(datetime(2026, 12, 24, 9), datetime(2026, 12, 24, 12))
    with pytest.raises(ValueError, match="aware"):
        free_slots(days=[day], weekly=every_day(), rules=rules(), now=PAST, closures=[naive])

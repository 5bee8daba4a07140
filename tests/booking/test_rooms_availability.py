"""Rooms in the pure availability core: a time at a studio with a room pool is offered only
while a suitable room (and an item of the equipment needed) is free for the whole visit and
its buffer; a studio without a pool is unlimited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinicsite.scheduling.availability import (
    Interval,
    RoomPool,
    Rules,
    WeeklyHours,
    free_slots,
    peak_use,
)

LA = ZoneInfo("America/Los_Angeles")
PAST = datetime(2025, 1, 1, tzinfo=UTC)
DAY = date(2026, 12, 9)
STUDIO, OTHER = 1, 2


def at(clock: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LA).astimezone(UTC)


def span(a: str, b: str, day: date = DAY) -> Interval:
    return Interval(at(a, day), at(b, day))


def rules(buffer=15) -> Rules:
    m = timedelta(minutes=1)
    return Rules(60 * m, buffer * m, 30 * m, 0 * m, timedelta(days=1000), LA)


def starts(pools, day: date = DAY, location=STUDIO, buffer=15) -> list[str]:
    weekly = [WeeklyHours(d, time(9), time(17), location) for d in range(7)]
    slots = free_slots(days=[day], weekly=weekly, rules=rules(buffer), now=PAST, rooms=pools)
    return [s.start.astimezone(LA).strftime("%H:%M") for s in slots]


def test_a_studio_without_a_pool_offers_every_time():
    assert starts([RoomPool(OTHER, rooms=[[span("09:00", "17:00")]])])[:2] == ["09:00", "09:30"]
    assert len(starts([])) == 15  # 09:00 to 16:00 every half hour


def test_a_time_needs_one_room_free_for_the_visit_and_its_buffer():
    pool = RoomPool(STUDIO, rooms=[[span("10:00", "11:15")], [span("10:30", "11:45")]])
    free = starts([pool])
    # 09:00 ends its buffer at 10:15: room 2 is free until 10:30.
    assert "09:00" in free and "09:30" not in free
    # Both rooms are busy from 10:30 to 11:15; room 1 is free again at 11:15.
    assert "10:00" not in free and "11:00" not in free
    assert "11:30" in free


def test_two_rooms_taken_at_once_close_that_time_whoever_is_free():
    pool = RoomPool(STUDIO, rooms=[[span("12:00", "13:15")], [span("12:00", "13:15")]])
    free = starts([pool])
    assert "12:00" not in free and "11:30" not in free
    assert "10:30" in free and "13:30" in free


def test_no_suitable_room_means_no_time_but_no_room_needed_means_every_time():
    assert starts([RoomPool(STUDIO, rooms=[])]) == []
    assert len(starts([RoomPool(STUDIO, rooms=None)])) == 15


def test_equipment_allows_as_many_visits_at_once_as_items():
    busy = [span("10:00", "11:15"), span("10:30", "11:45")]
    two = starts([RoomPool(STUDIO, equipment=2, equipment_busy=busy)])
    three = starts([RoomPool(STUDIO, equipment=3, equipment_busy=busy)])
    assert "10:30" not in two and "09:30" not in two and "09:00" in two and "11:30" in two
    assert "10:30" in three
    assert starts([RoomPool(STUDIO, equipment=0)]) == []


def test_equipment_used_one_after_another_counts_once():
    # Two visits back to back use one heater between them: a second heater is enough.
    busy = [span("10:00", "11:00"), span("11:00", "12:00")]
    assert "10:30" in starts([RoomPool(STUDIO, equipment=2, equipment_busy=busy)])


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_rooms_on_daylight_saving_days_follow_the_real_instants(day):
    pool = RoomPool(STUDIO, rooms=[[span("13:00", "14:15", day)]])
    free = starts([pool], day=day)
    assert "13:00" not in free and "12:00" not in free
    assert "11:30" in free and "14:30" in free


def test_peak_use_ignores_touching_spans():
    a, b = at("10:00"), at("11:00")
    assert peak_use([(a, b), (b, at("12:00"))], a, at("12:00")) == 1
    assert peak_use([(a, b), (a, b)], a, b) == 2
    assert peak_use([(a, b)], b, at("12:00")) == 0


def test_a_naive_room_interval_is_refused():
    naive = Interval(datetime(2026, 12, 9, 10), datetime(2026, 12, 9, 11))
    with pytest.raises(ValueError):
        starts([RoomPool(STUDIO, rooms=[[naive]])])

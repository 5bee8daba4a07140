"""Free appointment slots, computed (never stored) from hours, bookings and time off.

Pure standard library: no Flask, no database. Working hours are local wall-clock times
in the clinic's zone; every other datetime here is timezone-aware UTC. All arithmetic on
instants happens in UTC, so daylight-saving days get their real 23 or 25 hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The product's usual slot step. Not a field default: `step` sits before fields that
# have no sensible default (`tz`), and the field order is part of the interface.
DEFAULT_STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class WeeklyHours:
    """A recurring range of local wall-clock time (naive times, end > start)."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    start: time
    end: time
    location_id: int


@dataclass(frozen=True)
class ExtraHours:
    """One-off extra working hours on a specific local date (naive times, end > start)."""

    day: date
    start: time
    end: time
    location_id: int


@dataclass(frozen=True)
class Interval:
    """A half-open span [start, end) of aware UTC datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    """A bookable start; end = start + duration (both aware UTC)."""

    start: datetime
    end: datetime
    location_id: int


@dataclass(frozen=True)
class Rules:
    """How slots are cut for one service."""

    duration: timedelta  # length of the appointment being booked
    buffer: timedelta  # the booked service's cleanup time after it
    step: timedelta  # slot step (the product default is DEFAULT_STEP)
    min_notice: timedelta  # earliest start = now + min_notice
    horizon: timedelta  # latest start = now + horizon
    tz: ZoneInfo  # clinic time zone


class _Blocks:
    """Intervals merged into a sorted disjoint union, answering overlap queries by bisection."""

    def __init__(self, intervals: Iterable[tuple[datetime, datetime]]) -> None:
        merged = _merge(intervals)
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) shares an instant with any block (touching does not count)."""
        # Blocks are disjoint and sorted, so their ends are sorted too. Blocks before i end
        # by `start`; blocks after i start later than block i does. So block i decides.
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end


def _merge(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sort spans and fuse overlapping or touching ones; empty spans are dropped."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(span for span in spans if span[0] < span[1]):
        if merged and start <= merged[-1][1]:
            # Touching spans are fused too: for bookings that changes no overlap answer,
            # and for working hours it lets a slot straddle two adjacent ranges.
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _utc(value: datetime, what: str) -> datetime:
    """Normalise an aware datetime to UTC; a naive one is a caller bug."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _utc_spans(intervals: Iterable[Interval], what: str) -> Iterator[tuple[datetime, datetime]]:
    for interval in intervals:
        start, end = _utc(interval.start, what), _utc(interval.end, what)
        if end < start:
            raise ValueError(f"{what} interval ends before it starts: {interval!r}")
        yield start, end


def _local_to_utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time on `day` as UTC.

    fold=0 throughout: an ambiguous (fall-back) time is its first occurrence, and a
    skipped (spring-forward) time takes the offset in force before the jump.
    """
    return datetime.combine(day, clock.replace(fold=0), tzinfo=tz).astimezone(UTC)


def _hours_of_day(
    day: date,
    weekly: Sequence[WeeklyHours],
    extra: Sequence[ExtraHours],
    location_id: int | None,
) -> Iterator[WeeklyHours | ExtraHours]:
    """The weekly and one-off ranges that apply to `day`, checked for sanity."""
    weekday = day.weekday()
    todays = [h for h in weekly if h.weekday == weekday] + [h for h in extra if h.day == day]
    for hours in todays:
        if location_id is not None and hours.location_id != location_id:
            continue
        if hours.start.tzinfo is not None or hours.end.tzinfo is not None:
            raise ValueError(f"working hours are local wall-clock times, not aware: {hours!r}")
        if hours.end <= hours.start:
            raise ValueError(f"working hours must end after they start: {hours!r}")
        yield hours


def working_intervals(
    day: date,
    weekly: Sequence[WeeklyHours],
    extra: Sequence[ExtraHours],
    tz: ZoneInfo,
    location_id: int | None = None,
) -> list[tuple[Interval, int]]:
    """The working ranges of one local day converted to UTC, with their location ids.

    Overlapping or touching ranges at the same location are merged, empty ones dropped;
    the result is sorted by start, then location id.
    """
    for hours in weekly:
        if not 0 <= hours.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday): {hours!r}")
    by_location: dict[int, list[tuple[datetime, datetime]]] = {}
    for hours in _hours_of_day(day, weekly, extra, location_id):
        start = _local_to_utc(day, hours.start, tz)
        # A skipped start (e.g. 02:30 on a spring-forward day) maps past the jump and can
        # land after an end such as 03:15; clamping leaves an empty range, not a negative one.
        end = max(start, _local_to_utc(day, hours.end, tz))
        by_location.setdefault(hours.location_id, []).append((start, end))
    ranges = [
        (Interval(start, end), location)
        for location, spans in by_location.items()
        for start, end in _merge(spans)
    ]
    ranges.sort(key=lambda item: (item[0].start, item[1]))
    return ranges


def _check_rules(rules: Rules) -> None:
    if rules.duration <= timedelta(0):
        raise ValueError(f"duration must be positive, got {rules.duration}")
    if rules.step <= timedelta(0):
        raise ValueError(f"step must be positive, got {rules.step}")
    if rules.buffer < timedelta(0):
        raise ValueError(f"buffer must not be negative, got {rules.buffer}")


def _range_slots(
    working: Interval,
    location_id: int,
    rules: Rules,
    window: tuple[datetime, datetime],
    busy: _Blocks,
    time_off: _Blocks,
) -> Iterator[Slot]:
    """The free slots of one merged working range, on a grid anchored at its start."""
    earliest, latest = window
    start = working.start
    if start < earliest:
        # Jump to the first grid point at or after `earliest` (ceiling division) instead of
        # walking through the past; the grid itself stays anchored at the range start.
        start += -((start - earliest) // rules.step) * rules.step
    last_start = min(working.end - rules.duration, latest)
    while start <= last_start:
        end = start + rules.duration
        # The cleanup buffer must stay clear of other bookings but may run past closing
        # time or into time off: nobody is booked then.
        if not busy.overlaps(start, end + rules.buffer) and not time_off.overlaps(start, end):
            yield Slot(start, end, location_id)
        start += rules.step


def free_slots(
    *,
    days: Sequence[date],
    weekly: Sequence[WeeklyHours],
    extra: Sequence[ExtraHours] = (),
    time_off: Sequence[Interval] = (),
    busy: Sequence[Interval] = (),
    rules: Rules,
    now: datetime,
    location_id: int | None = None,
) -> list[Slot]:
    """Every bookable slot on the given local days, sorted by start then location id.

    `busy` holds existing appointments and unexpired holds, already widened by their own
    buffers. A start is free when [start, start + duration + buffer) misses every busy
    interval, [start, start + duration) misses all time off, and
    now + min_notice <= start <= now + horizon. Raises ValueError for naive datetimes,
    a non-positive duration or step, a negative buffer, or an interval ending before it
    starts.
    """
    _check_rules(rules)
    now = _utc(now, "now")
    busy_blocks = _Blocks(_utc_spans(busy, "busy"))
    off_blocks = _Blocks(_utc_spans(time_off, "time_off"))
    window = (now + rules.min_notice, now + rules.horizon)
    slots: list[Slot] = []
    for day in sorted(set(days)):
        for working, location in working_intervals(day, weekly, extra, rules.tz, location_id):
            slots.extend(_range_slots(working, location, rules, window, busy_blocks, off_blocks))
    # Local days never overlap in UTC, so this is already nearly sorted; dict.fromkeys
    # guarantees uniqueness even for exotic zones.
    slots.sort(key=lambda slot: (slot.start, slot.location_id))
    return list(dict.fromkeys(slots))


def local_days(start: date, count: int) -> list[date]:
    """`count` consecutive local dates beginning with `start`."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    return [start + timedelta(days=offset) for offset in range(count)]

"""Free appointment slots, computed (never stored) from hours, bookings and time off.

Pure standard library: no Flask, no database. Working hours are local wall-clock times
in the clinic's zone; every other datetime here is timezone-aware UTC. All arithmetic on
instants happens in UTC, so daylight-saving days get their real 23 or 25 hours.

A range of hours means the instants whose wall-clock reading lies inside it. So a range
that starts or ends inside a skipped hour (02:30 on a spring-forward night) opens or closes
at the first real instant after the gap (03:00), both occurrences of a repeated hour count
when their reading is inside the range (and neither when it is not), and a date that never
existed (Pacific/Apia 2011-12-30) has no hours at all. An end at or before the start means
the next day: 22:00-02:00 crosses midnight, and an end of 00:00 is 24:00. Starts follow the
wall clock: step by step from the range's first reading, so a 30-minute change (Lord Howe)
does not move hourly starts to half past.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from clinicsite.scheduling.travel import studio_place
from clinicsite.scheduling.wallclock import MAX_OFFSET, offset_pieces, wall_pieces

# The product's usual slot step. Not a field default: `step` sits before fields that
# have no sensible default (`tz`), and the field order is part of the interface.
DEFAULT_STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class WeeklyHours:
    """A recurring range of local wall-clock time (naive times; end <= start: next day)."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    start: time
    end: time
    location_id: int


@dataclass(frozen=True)
class ExtraHours:
    """One-off extra working hours on a specific local date (naive; end <= start: next day)."""

    day: date
    start: time
    end: time
    location_id: int


@dataclass(frozen=True)
class Interval:
    """A half-open span [start, end) of aware UTC datetimes. A commitment in `busy` may
    say where it is (a travel place, scheduling/travel.py), so that travel to and from it
    is left free; None: nowhere travel is planned for (an outside calendar's event)."""

    start: datetime
    end: datetime
    place: str | None = None


class Travel(Protocol):
    """Travel time between two places (scheduling/travel.TravelTimes); zero when either is
    None or travel between them is not planned for."""

    def between(self, a: str | None, b: str | None) -> timedelta: ...


@dataclass(frozen=True)
class Closed:
    """A half-open span [start, end) of aware UTC datetimes when one studio, or the whole
    clinic (location_id None), takes no appointments."""

    start: datetime
    end: datetime
    location_id: int | None = None


@dataclass(frozen=True)
class RoomPool:
    """What one studio's rooms and equipment leave for the service being booked. A studio
    without a pool takes any number of visits at once (it lists no rooms or equipment).

    `rooms` has one entry per room that suits the service (active, of the kind it needs),
    the times that room is taken; None when the service needs no room there. A visit needs
    one room free for all of [start, end + buffer). `equipment` is how many items of what
    the service needs the studio has (None: it needs none there), and `equipment_busy` the
    visits using them; a visit needs one item left over for all of [start, end + buffer).
    Taken times include their own buffers, like `busy`.
    """

    location_id: int
    rooms: Sequence[Sequence[Interval]] | None = None
    equipment: int | None = None
    equipment_busy: Sequence[Interval] = ()


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


class _BusyByPlace:
    """The busy intervals as blocks for a visit at one place: each widened by the travel
    from it to the place before, and to it from the place after (built once per place)."""

    def __init__(self, busy: Sequence[Interval], travel: Travel | None) -> None:
        spans = _utc_spans(busy, "busy")
        self._busy = [(*span, b.place) for span, b in zip(spans, busy, strict=True)]
        self._travel = travel
        self._by_place: dict[str | None, _Blocks] = {}

    def __call__(self, place: str | None) -> _Blocks:
        key = place if self._travel is not None else None
        if key not in self._by_place:
            if self._travel is None:
                spans = [(start, end) for start, end, _ in self._busy]
            else:
                between = self._travel.between
                spans = [
                    (start - between(place, there), end + between(there, place))
                    for start, end, there in self._busy
                ]
            self._by_place[key] = _Blocks(spans)
        return self._by_place[key]


class _OffBlocks:
    """Time off plus closures, as the blocks of one studio (built once per studio)."""

    def __init__(self, time_off: list[tuple[datetime, datetime]], closures: Sequence[Closed]):
        self._time_off = time_off
        self._closures: list[tuple[int | None, datetime, datetime]] = []
        for closed in closures:
            start, end = _utc(closed.start, "closure"), _utc(closed.end, "closure")
            if end < start:
                raise ValueError(f"closure ends before it starts: {closed!r}")
            self._closures.append((closed.location_id, start, end))
        self._by_location: dict[int, _Blocks] = {}

    def at(self, location_id: int) -> _Blocks:
        if location_id not in self._by_location:
            spans = self._time_off + [
                (start, end)
                for where, start, end in self._closures
                if where is None or where == location_id
            ]
            self._by_location[location_id] = _Blocks(spans)
        return self._by_location[location_id]


def peak_use(spans: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime) -> int:
    """The most spans in use at one instant of [start, end) (touching does not count)."""
    events = []
    for lo, hi in spans:
        lo, hi = max(lo, start), min(hi, end)
        if lo < hi:
            events += [(lo, 1), (hi, -1)]
    events.sort()  # at equal instants -1 sorts first: a span ending frees its item at once
    peak = level = 0
    for _, change in events:
        level += change
        peak = max(peak, level)
    return peak


class _Rooms:
    """The room pools by studio, answering "is a room (and the equipment) free?"."""

    def __init__(self, pools: Sequence[RoomPool]) -> None:
        self._rooms: dict[int, list[_Blocks] | None] = {}
        self._equipment: dict[int, tuple[int, list[tuple[datetime, datetime]]]] = {}
        for pool in pools:
            if pool.rooms is not None:
                self._rooms[pool.location_id] = [
                    _Blocks(_utc_spans(taken, "room")) for taken in pool.rooms
                ]
            if pool.equipment is not None:
                spans = list(_utc_spans(pool.equipment_busy, "equipment"))
                self._equipment[pool.location_id] = (pool.equipment, spans)

    def free(self, location_id: int, start: datetime, end: datetime) -> bool:
        rooms = self._rooms.get(location_id)
        if rooms is not None and all(room.overlaps(start, end) for room in rooms):
            return False
        if location_id in self._equipment:
            count, spans = self._equipment[location_id]
            return peak_use(spans, start, end) < count
        return True


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
        if hours.end == hours.start:
            raise ValueError(f"working hours must not end when they start: {hours!r}")
        yield hours


@dataclass(frozen=True)
class _Range:
    """One merged range of a day at a location: its UTC pieces and its first reading."""

    location_id: int
    anchor: datetime  # naive wall-clock reading at the range's first real instant
    pieces: list[tuple[datetime, datetime, timedelta]]


def _day_ranges(
    day: date,
    weekly: Sequence[WeeklyHours],
    extra: Sequence[ExtraHours],
    tz: ZoneInfo,
    location_id: int | None,
) -> list[_Range]:
    for hours in weekly:
        if not 0 <= hours.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday): {hours!r}")
    walls: dict[int, list[tuple[datetime, datetime]]] = {}
    for hours in _hours_of_day(day, weekly, extra, location_id):
        first = datetime.combine(day, hours.start)
        last = datetime.combine(day, hours.end)
        if last <= first:
            last += timedelta(days=1)  # crosses midnight; an end of 00:00 is 24:00
        walls.setdefault(hours.location_id, []).append((first, last))
    if not walls:
        return []
    every = [span for spans in walls.values() for span in spans]
    offsets = offset_pieces(
        (min(first for first, _ in every) - MAX_OFFSET).replace(tzinfo=UTC),
        (max(last for _, last in every) + MAX_OFFSET).replace(tzinfo=UTC),
        tz,
    )
    ranges = []
    for location, spans in walls.items():
        # Touching ranges are merged in wall-clock time, so one grid runs through both.
        for first, last in _merge(spans):
            pieces = wall_pieces(first, last, offsets)
            if pieces:
                lo, _, offset = pieces[0]
                anchor = (lo + offset).replace(tzinfo=None)
                ranges.append(_Range(location, anchor, pieces))
    return ranges


def _utc_union(ranges: Iterable[_Range]) -> dict[int, list[tuple[datetime, datetime]]]:
    by_location: dict[int, list[tuple[datetime, datetime]]] = {}
    for item in ranges:
        by_location.setdefault(item.location_id, []).extend(
            (start, end) for start, end, _ in item.pieces
        )
    return {location: _merge(spans) for location, spans in by_location.items()}


def working_intervals(
    day: date,
    weekly: Sequence[WeeklyHours],
    extra: Sequence[ExtraHours],
    tz: ZoneInfo,
    location_id: int | None = None,
) -> list[tuple[Interval, int]]:
    """The working time of one local day in UTC, with location ids.

    The instants whose wall-clock reading lies in one of the day's ranges (see the module
    docstring), merged per location where they overlap or touch, sorted by start, then
    location id. On a fall-back night a range may give two intervals.
    """
    union = _utc_union(_day_ranges(day, weekly, extra, tz, location_id))
    ranges = [
        (Interval(start, end), location)
        for location, spans in union.items()
        for start, end in spans
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


def _grid(item: _Range, step: timedelta, earliest: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Candidate starts of a range with the piece each lies in: every instant at or after
    `earliest` whose wall-clock reading is a whole number of steps from the range's first."""
    for lo, hi, offset in item.pieces:
        base = (item.anchor - offset).replace(tzinfo=UTC)  # the anchor's reading, in UTC
        start = max(lo, earliest)
        start = base + -((base - start) // step) * step  # ceiling to the grid
        while start < hi:
            yield start, hi
            start += step


def _range_slots(
    item: _Range,
    union: Sequence[tuple[datetime, datetime]],
    rules: Rules,
    window: tuple[datetime, datetime],
    busy: _Blocks,
    time_off: _Blocks,
    rooms: _Rooms,
    lead: timedelta = timedelta(0),
) -> Iterator[Slot]:
    """The free slots of one range; a slot may run on into touching working time. `lead`
    is the travel from where the therapist sets out to the visit: no start before the
    range's first instant plus it."""
    earliest, latest = window
    earliest = max(earliest, item.pieces[0][0] + lead)
    ends = [end for _, end in union]
    for start, _ in _grid(item, rules.step, earliest):
        if start > latest:
            break
        end = start + rules.duration
        # The merged working interval holding `start` must hold the whole appointment.
        i = bisect_right(ends, start)
        if i == len(union) or union[i][0] > start or union[i][1] < end:
            continue
        # The cleanup buffer must stay clear of other bookings but may run past closing
        # time or into time off: nobody is booked then.
        if busy.overlaps(start, end + rules.buffer) or time_off.overlaps(start, end):
            continue
        # The room is cleaned in the buffer too, so it stays taken until then.
        if rooms.free(item.location_id, start, end + rules.buffer):
            yield Slot(start, end, item.location_id)


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
    closures: Sequence[Closed] = (),
    rooms: Sequence[RoomPool] = (),
    travel: Travel | None = None,
    place: str | None = None,
    setting_out: Mapping[int, str] = {},  # noqa: B006 (read only)
) -> list[Slot]:
    """Every bookable slot on the given local days, sorted by start then location id.

    `busy` holds existing appointments and unexpired holds, already widened by their own
    buffers. A start is free when [start, start + duration + buffer) misses every busy
    interval, [start, start + duration) misses all time off and every closure of the
    clinic or of the slot's studio, and now + min_notice <= start <= now + horizon; at a
    studio with a pool in `rooms`, a suitable room (and an item of the equipment needed)
    must also be free for all of [start, start + duration + buffer).

    With `travel`, the visit happens at `place` (None: at the slot's studio,
    "studio:<id>"), and each busy interval that has a place is widened by the travel
    between the two: the therapist reaches the visit after the one before and the next
    one after it. `setting_out` maps a location id to where the therapist is when working
    time there begins (a home base): no start there before that travel is done.
    Raises ValueError for naive datetimes, a non-positive duration or step, a negative
    buffer, or an interval ending before it starts.
    """
    _check_rules(rules)
    now = _utc(now, "now")
    busy_at = _BusyByPlace(busy, travel)
    off_blocks = _OffBlocks(list(_utc_spans(time_off, "time_off")), closures)
    room_pools = _Rooms(rooms)
    window = (now + rules.min_notice, now + rules.horizon)
    slots: list[Slot] = []
    for day in sorted(set(days)):
        ranges = _day_ranges(day, weekly, extra, rules.tz, location_id)
        union = _utc_union(ranges)
        for item in ranges:
            off = off_blocks.at(item.location_id)
            here = place or studio_place(item.location_id)
            lead = (
                travel.between(setting_out.get(item.location_id), here)
                if travel is not None
                else timedelta(0)
            )
            slots.extend(
                _range_slots(
                    item,
                    union[item.location_id],
                    rules,
                    window,
                    busy_at(here),
                    off,
                    room_pools,
                    lead,
                )
            )
    # Local days never overlap in UTC, so this is already nearly sorted; dict.fromkeys
    # guarantees uniqueness even for exotic zones.
    slots.sort(key=lambda slot: (slot.start, slot.location_id))
    return list(dict.fromkeys(slots))


def local_days(start: date, count: int) -> list[date]:
    """`count` consecutive local dates beginning with `start`."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    return [start + timedelta(days=offset) for offset in range(count)]

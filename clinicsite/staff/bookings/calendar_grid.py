"""The day view as a table: one column per therapist, one row per 5 minutes, an
appointment as a cell spanning its rows, so a 20-minute visit is drawn a third of the
height of an hour. Rows are real instants (stepped in UTC from the local opening time),
labelled in local time, so days when the clocks change have the right number of rows and
every appointment sits at its true time.

Free working time comes in cells of at most a quarter hour, each starting on a local
quarter hour: the desk clicks one to book that time by phone. Time outside working hours
is merged into one cell per hour.

Where a therapist travels between two visits (a home visit on either side), the road is
drawn as its own cell from the end of the first visit's buffer, as long as the travel
takes or until the next visit starts, whichever is first; it is never offered for booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROW = timedelta(minutes=5)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8, 0), time(20, 0)


@dataclass(frozen=True)
class Working:
    """A stretch of a therapist's working time (UTC) at one studio."""

    start: datetime
    end: datetime
    location_id: int | None = None


@dataclass(frozen=True)
class TravelLeg:
    """A therapist's road from one visit's place to the next's: it starts when the first
    visit stops blocking them (its buffer included) and takes `minutes`; `arrives` is the
    next visit's start, so a leg longer than the gap (the matrix edited after booking)
    leaves not enough time to travel."""

    therapist_id: int
    arrival_id: int  # the next visit
    start: datetime
    arrives: datetime
    minutes: int
    origin: str
    destination: str

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def enough_time(self) -> bool:
        return self.end <= self.arrives

    @property
    def gap_minutes(self) -> int:
        return max(0, int((self.arrives - self.start).total_seconds() // 60))


@dataclass
class Cell:
    kind: str  # "free", "off" (outside working hours), "appointment", "travel", "covered"
    rowspan: int = 1
    appointment: object | None = None
    start: datetime | None = None  # a free cell: the instant a click books (UTC)
    location_id: int | None = None  # a free cell: the studio the therapist works at then
    link: str | None = None  # a free cell to come: its phone booking page (set by the view)
    note: str | None = None  # a free cell that cannot be booked: why (set by the view)
    leg: TravelLeg | None = None  # a travel cell: the road it draws


@dataclass
class DayGrid:
    rows: list[datetime]  # UTC start of each row
    columns: list  # therapists
    cells: list[list[Cell]] = field(default_factory=list)  # cells[row][column]
    # Legs with no room to draw (the next visit starts as the first one ends), by the id
    # of the visit they lead to: its block says there is not enough time to travel.
    undrawn: dict[int, TravelLeg] = field(default_factory=dict)


def local_bounds(day: date, tz: ZoneInfo, opens: time, closes: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, opens, tz).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(day, closes, tz).astimezone(ZoneInfo("UTC"))
    return start, end


def build_day(
    day: date,
    tz: ZoneInfo,
    therapists: list,
    appointments: list,
    working: dict[int, list[Working]],
    legs: list[TravelLeg] = (),
) -> DayGrid:
    """`appointments` have therapist_id, starts_at, ends_at (UTC); `working` maps a
    therapist id to that day's working time; `legs` are the travel between visits."""
    opens, closes = _hours_shown(day, tz, appointments, working)
    first, last = local_bounds(day, tz, opens, closes)
    rows = []
    moment = first
    while moment < last:
        rows.append(moment)
        moment += ROW
    grid = DayGrid(rows=rows, columns=therapists)
    grid.cells = [[Cell("off") for _ in therapists] for _ in rows]
    for c, therapist in enumerate(therapists):
        spans = working.get(therapist.id, [])
        for r, row_start in enumerate(rows):
            span = next((s for s in spans if s.start <= row_start < s.end), None)
            if span is not None:
                grid.cells[r][c] = Cell("free", start=row_start, location_id=span.location_id)
        for appt in sorted(
            (a for a in appointments if a.therapist_id == therapist.id), key=lambda a: a.starts_at
        ):
            _place(grid, c, appt)
        for leg in legs:
            if leg.therapist_id == therapist.id:
                _place_travel(grid, c, leg)
        _merge_gaps(grid, c, tz)
    return grid


def _place(grid: DayGrid, column: int, appt) -> None:
    rows = grid.rows
    covered = [
        r for r, start in enumerate(rows) if appt.starts_at < start + ROW and start < appt.ends_at
    ]
    covered = [r for r in covered if grid.cells[r][column].kind not in ("appointment", "covered")]
    if not covered:
        return
    top = covered[0]
    grid.cells[top][column] = Cell("appointment", rowspan=len(covered), appointment=appt)
    for r in covered[1:]:
        grid.cells[r][column] = Cell("covered")


def _place_travel(grid: DayGrid, column: int, leg: TravelLeg) -> None:
    until = min(leg.end, leg.arrives)
    covered = [
        r
        for r, start in enumerate(grid.rows)
        if leg.start < start + ROW
        and start < until
        and grid.cells[r][column].kind not in ("appointment", "covered")
    ]
    if not covered:
        grid.undrawn[leg.arrival_id] = leg
        return
    top = covered[0]
    grid.cells[top][column] = Cell("travel", rowspan=len(covered), leg=leg)
    for r in covered[1:]:
        grid.cells[r][column] = Cell("covered")


def _merge_gaps(grid: DayGrid, column: int, tz: ZoneInfo) -> None:
    """Join runs of free rows (at one studio) into quarter-hour cells, and off rows into
    hour cells, each run broken where a local quarter (or hour) begins."""
    top = None
    for r, row_start in enumerate(grid.rows):
        cell = grid.cells[r][column]
        minute = row_start.astimezone(tz).minute
        if top is not None:
            head = grid.cells[top][column]
            same = cell.kind == head.kind and cell.location_id == head.location_id
            boundary = minute % (15 if head.kind == "free" else 60) == 0
            if same and not boundary:
                head.rowspan += 1
                grid.cells[r][column] = Cell("covered")
                continue
        top = r if cell.kind in ("free", "off") else None


def _hours_shown(day, tz, appointments, working) -> tuple[time, time]:
    """From the earliest start to the latest end of the day's work and bookings, in whole
    hours, at least 08:00-20:00."""
    moments = [m for spans in working.values() for span in spans for m in (span.start, span.end)]
    moments += [a.starts_at for a in appointments] + [a.ends_at for a in appointments]
    local = [m.astimezone(tz) for m in moments if m.astimezone(tz).date() == day]
    earliest = min([DEFAULT_OPEN, *(m.time() for m in local)])
    latest = max([DEFAULT_CLOSE, *(m.time() for m in local)])
    opens = time(earliest.hour, 0)
    closes = time(min(latest.hour + (1 if latest.minute else 0), 23), 0 if latest.hour < 23 else 59)
    return opens, closes

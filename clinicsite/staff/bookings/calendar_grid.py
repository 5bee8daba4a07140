"""The day view as a table: one column per therapist, one row per 15 minutes, an
appointment as a cell spanning its rows. Rows are real instants (stepped in UTC from the
local opening time), labelled in local time, so days when the clocks change have the
right number of rows and every appointment sits at its true time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROW = timedelta(minutes=15)
DEFAULT_OPEN, DEFAULT_CLOSE = time(8, 0), time(20, 0)


@dataclass
class Cell:
    kind: str  # "free", "off" (outside working hours), "appointment", "covered"
    rowspan: int = 1
    appointment: object | None = None


@dataclass
class DayGrid:
    rows: list[datetime]  # UTC start of each row
    columns: list  # therapists
    cells: list[list[Cell]] = field(default_factory=list)  # cells[row][column]


def local_bounds(day: date, tz: ZoneInfo, opens: time, closes: time) -> tuple[datetime, datetime]:
    start = datetime.combine(day, opens, tz).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(day, closes, tz).astimezone(ZoneInfo("UTC"))
    return start, end


def build_day(
    day: date,
    tz: ZoneInfo,
    therapists: list,
    appointments: list,
    working: dict[int, list[tuple[datetime, datetime]]],
) -> DayGrid:
    """`appointments` have therapist_id, starts_at, ends_at (UTC); `working` maps a
    therapist id to that day's working intervals in UTC."""
    opens, closes = _hours_shown(day, tz, appointments, working)
    first, last = local_bounds(day, tz, opens, closes)
    rows = []
    moment = first
    while moment < last:
        rows.append(moment)
        moment += ROW
    grid = DayGrid(rows=rows, columns=therapists)
    grid.cells = [[Cell("free") for _ in therapists] for _ in rows]
    for c, therapist in enumerate(therapists):
        intervals = working.get(therapist.id, [])
        for r, row_start in enumerate(rows):
            if not any(a <= row_start < b for a, b in intervals):
                grid.cells[r][c].kind = "off"
        for appt in sorted(
            (a for a in appointments if a.therapist_id == therapist.id), key=lambda a: a.starts_at
        ):
            _place(grid, c, appt)
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


def _hours_shown(day, tz, appointments, working) -> tuple[time, time]:
    """From the earliest start to the latest end of the day's work and bookings, in whole
    hours, at least 08:00-20:00."""
    moments = [m for spans in working.values() for span in spans for m in span]
    moments += [a.starts_at for a in appointments] + [a.ends_at for a in appointments]
    local = [m.astimezone(tz) for m in moments if m.astimezone(tz).date() == day]
    earliest = min([DEFAULT_OPEN, *(m.time() for m in local)])
    latest = max([DEFAULT_CLOSE, *(m.time() for m in local)])
    opens = time(earliest.hour, 0)
    closes = time(min(latest.hour + (1 if latest.minute else 0), 23), 0 if latest.hour < 23 else 59)
    return opens, closes

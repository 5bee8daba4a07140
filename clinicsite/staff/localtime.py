"""Reading a local date and time typed by staff, on any day of the year.

A wall-clock reading alone does not name an instant on a fall-back night (01:30 happens
twice), so forms also carry the UTC offset: typed after the time ("01:30-08:00") or chosen
from `zone_offsets`. Without one, a repeated reading is refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The days staff may type. Python's dates end at 9999-12-31, and a week view, the day
# after, or the conversion to UTC would step past that; well inside it, nothing does.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
RANGE_MESSAGE = f"Please give a date between {FIRST_DAY} and {LAST_DAY}."


class LocalTimeError(ValueError):
    """The message says what was wrong, for the person who typed it."""


def check_day(day: date) -> date:
    """`day` if it lies between FIRST_DAY and LAST_DAY, else LocalTimeError."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise LocalTimeError(RANGE_MESSAGE)
    return day


def parse_day(raw: str | None) -> date:
    """'2026-11-01' -> a date in the range staff may use; LocalTimeError otherwise."""
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        raise LocalTimeError("Please give the date as YYYY-MM-DD.") from None
    return check_day(day)


def parse_local(
    raw_date: str | None,
    raw_time: str | None,
    tz: ZoneInfo,
    raw_offset: str | None = None,
    *,
    ask_when_repeated: bool = False,
) -> datetime:
    """'2026-11-01' + '10:00' in the clinic's zone -> aware UTC. A time the clocks skip
    (spring forward) is refused rather than guessed. A repeated one (fall back) is the
    one an offset names: typed after the time ('01:30-08:00', then it must fit) or chosen
    in the form (`raw_offset`, '-08:00', used only to pick between the two). Without
    either it is refused when the form offers the choice (`ask_when_repeated`), else the
    first occurrence."""
    day = parse_day(raw_date)
    try:
        clock_time = time.fromisoformat((raw_time or "").strip())
    except ValueError:
        raise LocalTimeError("Please give the time as HH:MM, for example 14:30.") from None
    typed = clock_time.utcoffset() if clock_time.tzinfo else None
    local = datetime.combine(day, clock_time.replace(tzinfo=None))
    try:
        found = occurrences(local, tz)
    except (OverflowError, ValueError):  # only at the very ends of the calendar
        raise LocalTimeError(RANGE_MESSAGE) from None
    if not found:
        raise LocalTimeError(
            f"{clock_time:%H:%M} does not exist on {day:%B %-d}: the clocks skip that hour."
        )
    labels = " or ".join(offset_label(moment.astimezone(tz)) for moment in found)
    chosen = typed if typed is not None else parse_offset(raw_offset)
    for moment in found:
        if moment.astimezone(tz).utcoffset() == chosen:
            return moment
    if typed is not None:  # typed with the time, so meant: never dropped
        raise LocalTimeError(
            f"{clock_time:%H:%M} on {day:%B %-d} is {labels}, not UTC{format_offset(typed)}."
        )
    if len(found) > 1 and ask_when_repeated:
        raise LocalTimeError(
            f"{clock_time:%H:%M} happens twice on {day:%B %-d} ({labels}): please choose which one."
        )
    # A chosen offset only picks between the two readings of a repeated hour: after a
    # change of date it may belong to another season, and the reading is unique anyway.
    return found[0]


def occurrences(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """The instants (aware UTC, in order) whose reading in `tz` is the naive `local`:
    none in a skipped hour, two in a repeated one."""
    found: list[datetime] = []
    for fold in (0, 1):
        moment = local.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        # A skipped reading does not survive the round trip through UTC.
        if moment.astimezone(tz).replace(tzinfo=None) == local and moment not in found:
            found.append(moment)
    return sorted(found)


_OFFSET = re.compile(r"(?:UTC)?\s*([+-−])(\d{1,2}):?(\d{2})")


def parse_offset(raw: str | None) -> timedelta | None:
    """'-08:00', '+0530', 'UTC-08:00' -> a timedelta; '' or None -> None (not given)."""
    text = (raw or "").strip()
    if not text:
        return None
    if text in ("Z", "UTC", "+00:00"):
        return timedelta(0)
    match = _OFFSET.fullmatch(text)
    if not match:
        raise LocalTimeError("Please give the offset as -08:00 or +05:30.")
    sign = -1 if match[1] in "-−" else 1
    return sign * timedelta(hours=int(match[2]), minutes=int(match[3]))


def format_offset(offset: timedelta) -> str:
    """timedelta(hours=-8) -> '-08:00'"""
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(abs(offset) // timedelta(minutes=1), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def offset_label(local: datetime) -> str:
    """'PST (UTC-08:00)' for an aware local datetime."""
    offset = local.utcoffset()
    assert offset is not None
    return f"{local.tzname()} (UTC{format_offset(offset)})"


def zone_offsets(tz: ZoneInfo, around: datetime) -> list[tuple[str, str]]:
    """(value, label) for each offset the zone uses within a year either side of `around`,
    for a form's select: [('-08:00', 'PST (UTC-08:00)'), ('-07:00', 'PDT (UTC-07:00)')]."""
    seen: dict[str, str] = {}
    moment = around.astimezone(UTC) - timedelta(days=366)
    for _ in range(2 * 366):
        local = moment.astimezone(tz)
        seen.setdefault(format_offset(local.utcoffset() or timedelta(0)), offset_label(local))
        moment += timedelta(days=1)
    return sorted(seen.items(), key=lambda item: parse_offset(item[0]) or timedelta(0))

"""Reading a local date and time typed by staff, on any day of the year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


class LocalTimeError(ValueError):
    """The message says what was wrong, for the person who typed it."""


def parse_local(raw_date: str | None, raw_time: str | None, tz: ZoneInfo) -> datetime:
    """'2026-11-01' + '10:00' in the clinic's zone -> aware UTC. A time the clocks skip
    (spring forward) is refused rather than guessed."""
    try:
        day = date.fromisoformat((raw_date or "").strip())
    except ValueError:
        raise LocalTimeError("Please give the date as YYYY-MM-DD.") from None
    try:
        clock_time = time.fromisoformat((raw_time or "").strip())
    except ValueError:
        raise LocalTimeError("Please give the time as HH:MM, for example 14:30.") from None
    local = datetime.combine(day, clock_time.replace(tzinfo=None), tz)
    # A skipped wall time does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise LocalTimeError(
            f"{clock_time:%H:%M} does not exist on {day:%B %-d}: the clocks skip that hour."
        )
    return local.astimezone(UTC)

"""Reading a local date and time typed by staff, on any day of the year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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


def parse_local(raw_date: str | None, raw_time: str | None, tz: ZoneInfo) -> datetime:
    """'2026-11-01' + '10:00' in the clinic's zone -> aware UTC. A time the clocks skip
    (spring forward) is refused rather than guessed."""
    day = parse_day(raw_date)
    try:
        clock_time = time.fromisoformat((raw_time or "").strip())
    except ValueError:
        raise LocalTimeError("Please give the time as HH:MM, for example 14:30.") from None
    try:
        local = datetime.combine(day, clock_time.replace(tzinfo=None), tz)
        moment = local.astimezone(UTC)
        # A skipped wall time does not survive the round trip through UTC.
        round_trip = moment.astimezone(tz).replace(tzinfo=None)
    except (OverflowError, ValueError):  # only at the very ends of the calendar
        raise LocalTimeError(RANGE_MESSAGE) from None
    if round_trip != local.replace(tzinfo=None):
        raise LocalTimeError(
            f"{clock_time:%H:%M} does not exist on {day:%B %-d}: the clocks skip that hour."
        )
    return moment

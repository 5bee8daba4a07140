"""Showing UTC times in the clinic's time zone, with the zone's abbreviation so a time on
a daylight-saving day is never ambiguous."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """'10:15 AM'"""
    return local(moment, tz).strftime("%-I:%M %p")


def clock_with_zone(moment: datetime, tz: ZoneInfo) -> str:
    """'10:15 AM PST'"""
    return local(moment, tz).strftime("%-I:%M %p %Z")


def clock_span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """'10:00 AM–11:00 AM', or with abbreviations when either end falls on a day whose
    clocks change: '1:30 AM PDT–1:30 AM PST' is an hour, not nothing."""
    first, last = local(start, tz), local(end, tz)
    if clocks_change(first.date(), tz) or clocks_change(last.date(), tz):
        return f"{clock_with_zone(start, tz)}–{clock_with_zone(end, tz)}"
    return f"{clock(start, tz)}–{clock(end, tz)}"


def clocks_change(day: date, tz: ZoneInfo) -> bool:
    """Whether the zone's offset at the start of `day` differs from the next day's."""
    starts = [datetime.combine(day + timedelta(days=n), time(0), tz) for n in (0, 1)]
    return starts[0].utcoffset() != starts[1].utcoffset()


def day_label(day: date) -> str:
    """'Tuesday, December 1'"""
    return day.strftime("%A, %B %-d")


def long_datetime(moment: datetime, tz: ZoneInfo) -> str:
    """'Tuesday, December 1, 2026 at 10:15 AM PST'"""
    return local(moment, tz).strftime("%A, %B %-d, %Y at %-I:%M %p %Z")


def closed_span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """A closure in words: 'Friday, December 25, 2026 (all day)', 'Thursday, December 24 –
    Saturday, December 26, 2026 (all day)', or 'Sunday, March 8, 2026, 1:00 PM–5:00 PM'
    (local midnight to local midnight is whole days, however long the day really is)."""
    first, last = local(start, tz), local(end, tz)
    if first.time() == time(0) and last.time() == time(0):
        final = last.date() - timedelta(days=1)
        if final == first.date():
            return f"{day_label(final)}, {final.year} (all day)"
        return f"{day_label(first.date())} – {day_label(final)}, {final.year} (all day)"
    if first.date() == last.date():
        return f"{day_label(first.date())}, {first.year}, {clock_span(start, end, tz)}"
    return f"{long_datetime(start, tz)} – {long_datetime(end, tz)}"

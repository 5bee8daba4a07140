"""Showing UTC times in the clinic's time zone, with the zone's abbreviation so a time on
a daylight-saving day is never ambiguous."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def clock(moment: datetime, tz: ZoneInfo) -> str:
    """'10:15 AM'"""
    return local(moment, tz).strftime("%-I:%M %p")


def clock_with_zone(moment: datetime, tz: ZoneInfo) -> str:
    """'10:15 AM PST'"""
    return local(moment, tz).strftime("%-I:%M %p %Z")


def day_label(day: date) -> str:
    """'Tuesday, December 1'"""
    return day.strftime("%A, %B %-d")


def long_datetime(moment: datetime, tz: ZoneInfo) -> str:
    """'Tuesday, December 1, 2026 at 10:15 AM PST'"""
    return local(moment, tz).strftime("%A, %B %-d, %Y at %-I:%M %p %Z")

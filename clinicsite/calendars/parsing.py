"""An iCalendar file to busy spans (UTC) over a window, with `icalendar`,
`recurring-ical-events` and `x-wr-timezone`.

What counts as busy, the way the calendar apps show it:
- every occurrence of a recurring event (RRULE, RDATE), less its EXDATEs, with moved or
  changed occurrences (RECURRENCE-ID) where they were moved to;
- an all-day event blocks whole local days of the clinic (midnight to midnight, so 23 or
  25 hours on a daylight-saving day);
- events marked free (TRANSP:TRANSPARENT, Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE) and
  cancelled ones (STATUS:CANCELLED) block nothing;
- times with a TZID are read in that zone (from the file's VTIMEZONE, an IANA name or a
  Windows name such as "Pacific Standard Time"); Google's X-WR-TIMEZONE is honoured;
  floating times (and a TZID nobody knows, reported as a warning) are read in the
  clinic's zone.
Anything unreadable raises FeedUnreadable: the sync keeps the busy times it had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone

# A feed that expands to more occurrences than this over the window is refused. Rules
# repeating every second or minute are refused before they are expanded: no real busy
# time repeats so, and expanding one from its first year takes minutes.
MAX_OCCURRENCES = 5_000
TOO_FREQUENT = {"SECONDLY", "MINUTELY"}


class FeedUnreadable(ValueError):
    """The file is not a calendar we can read; the message says why, for staff."""


@dataclass
class Busy:
    """The busy spans found (sorted, merged) and what was odd about the file."""

    spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    unknown_zones: set[str] = field(default_factory=set)

    @property
    def warning(self) -> str:
        if not self.unknown_zones:
            return ""
        names = ", ".join(sorted(self.unknown_zones))[:200]
        return f"Unknown time zone {names}: those events were read in the clinic's time."


def busy_spans(data: bytes, start: datetime, end: datetime, tz: ZoneInfo) -> Busy:
    """The busy time of the calendar in `data` that meets [start, end) (aware), in UTC."""
    calendar = _calendar(data)
    found = Busy()
    spans = []
    try:
        found.unknown_zones = _unknown_zones(calendar)
        _refuse_tiny_steps(calendar)
        occurrences = recurring_ical_events.of(calendar).between(
            start.astimezone(tz), end.astimezone(tz)
        )
        if len(occurrences) > MAX_OCCURRENCES:
            raise FeedUnreadable(
                f"The calendar has more than {MAX_OCCURRENCES:,} events in the coming weeks."
            )
        for event in occurrences:
            first, last = _span(event, tz)
            if last > max(first, start) and first < end and not _is_free(event):
                spans.append((first, last))
    except FeedUnreadable:
        raise
    except Exception as error:  # the libraries raise many kinds on a broken file
        message = f"The calendar has an event we cannot read ({_short(error)})."
        raise FeedUnreadable(message) from None
    found.spans = _merge(spans)
    return found


def _calendar(data: bytes) -> icalendar.Calendar:
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark, as some send
    if not data.strip():
        raise FeedUnreadable("The calendar's address answered with an empty file.")
    if not data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        raise FeedUnreadable(
            "The address does not answer with a calendar (.ics) file; is it the secret "
            "address in iCal format?"
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
        return x_wr_timezone.to_standard(calendar)
    except Exception as error:
        raise FeedUnreadable(f"The calendar file is damaged ({_short(error)}).") from None


def _short(error: Exception) -> str:
    return (str(error) or type(error).__name__).splitlines()[0][:150]


def _is_free(event) -> bool:
    transparent = str(event.get("TRANSP", "")).upper() == "TRANSPARENT"
    cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    outlook_free = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() == "FREE"
    return transparent or cancelled or outlook_free


def _span(event, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC span of one occurrence (empty for a reminder with no length)."""
    first = event["DTSTART"]
    last = event.get("DTEND")
    start = _instant(first.dt, tz)
    end = _instant(last.dt, tz) if last is not None else None
    if end is None:
        length = event.get("DURATION")
        if length is not None:
            end = (start.astimezone(tz) + length.dt).astimezone(UTC)
        elif isinstance(first.dt, date) and not isinstance(first.dt, datetime):
            end = _instant(first.dt + timedelta(days=1), tz)
        else:
            end = start
    return start, end


def _refuse_tiny_steps(calendar: icalendar.Calendar) -> None:
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE", [])
        for rule in rules if isinstance(rules, list) else [rules]:
            if str(rule.get("FREQ", [""])[0]).upper() in TOO_FREQUENT:
                raise FeedUnreadable("The calendar has an event that repeats every minute.")


def _unknown_zones(calendar: icalendar.Calendar) -> set[str]:
    """TZIDs the libraries could not place: the value came back naive, so it is read as
    floating (the expansion drops the TZID, hence this look at the file itself)."""
    unknown = set()
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            prop = event.get(name)
            tzid = prop.params.get("TZID") if prop is not None else None
            if tzid and isinstance(prop.dt, datetime) and prop.dt.tzinfo is None:
                unknown.add(str(tzid))
    return unknown


def _instant(value: date, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):  # an all-day date: the clinic's local midnight
        return datetime.combine(value, time(), tzinfo=tz).astimezone(UTC)
    if value.tzinfo is None:  # floating: the clinic's wall clock
        return value.replace(tzinfo=tz).astimezone(UTC)
    return value.astimezone(UTC)


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged

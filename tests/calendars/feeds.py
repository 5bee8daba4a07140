"""Calendar feeds shaped like the ones Google, Apple and Outlook publish (written for these
tests). Times are around the fixture clinic's week of Monday 2026-12-07 (Los Angeles,
UTC-8 until 2027-03-14, then UTC-7)."""

from __future__ import annotations


def ics(*lines: str) -> bytes:
    """CRLF-joined lines, as the servers send them."""
    return ("\r\n".join(lines) + "\r\n").encode()


# Google: UTC times with X-WR-TIMEZONE; a weekly Tuesday 11:00-12:00 (local) class with
# 2026-12-15 taken out and 2026-12-22 moved to 16:00-17:00; a transparent "free" event;
# a cancelled one.
GOOGLE = ics(
    "BEGIN:VCALENDAR",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:Dana personal",
    "X-WR-TIMEZONE:America/Los_Angeles",
    "BEGIN:VEVENT",
    "DTSTART:20261208T190000Z",
    "DTEND:20261208T200000Z",
    "RRULE:FREQ=WEEKLY;BYDAY=TU",
    "EXDATE:20261215T190000Z",
    "DTSTAMP:20261201T120000Z",
    "UID:pilates-7f3c@google.com",
    "SUMMARY:Pilates",
    "STATUS:CONFIRMED",
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART:20261223T000000Z",
    "DTEND:20261223T010000Z",
    "DTSTAMP:20261201T120000Z",
    "UID:pilates-7f3c@google.com",
    "RECURRENCE-ID:20261222T190000Z",
    "SUMMARY:Pilates (moved)",
    "SEQUENCE:1",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART:20261209T170000Z",
    "DTEND:20261209T180000Z",
    "DTSTAMP:20261201T120000Z",
    "UID:lunch-free@google.com",
    "SUMMARY:Maybe lunch",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART:20261209T200000Z",
    "DTEND:20261209T210000Z",
    "DTSTAMP:20261201T120000Z",
    "UID:cancelled@google.com",
    "SUMMARY:Dentist",
    "STATUS:CANCELLED",
    "END:VEVENT",
    "END:VCALENDAR",
)

_LA_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:America/Los_Angeles",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0800",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "DTSTART:20070311T020000",
    "TZNAME:PDT",
    "TZOFFSETTO:-0700",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:-0700",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "DTSTART:20071104T020000",
    "TZNAME:PST",
    "TZOFFSETTO:-0800",
    "END:STANDARD",
    "END:VTIMEZONE",
)

# Apple (iCloud): a VTIMEZONE and TZID'd local times; a weekly Tuesday 15:00-16:00 that
# runs past the spring change (2027-03-14), and an all-day event on Wednesday 2026-12-09.
APPLE = ics(
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Apple Inc.//macOS 15.1//EN",
    "CALSCALE:GREGORIAN",
    *_LA_VTIMEZONE,
    "BEGIN:VEVENT",
    "CREATED:20261120T101010Z",
    "UID:5C2F8A7E-1B7D-4C11-9E0B-APPLE1",
    "DTSTART;TZID=America/Los_Angeles:20261208T150000",
    "DTEND;TZID=America/Los_Angeles:20261208T160000",
    "RRULE:FREQ=WEEKLY;INTERVAL=1",
    "SUMMARY:School pick-up",
    "DTSTAMP:20261120T101010Z",
    "SEQUENCE:0",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:5C2F8A7E-1B7D-4C11-9E0B-APPLE2",
    "DTSTART;VALUE=DATE:20261209",
    "DTEND;VALUE=DATE:20261210",
    "SUMMARY:Conference",
    "DTSTAMP:20261120T101010Z",
    "END:VEVENT",
    "END:VCALENDAR",
)

# Outlook: a Windows zone name with its VTIMEZONE, busy status in Microsoft's own field,
# a tentative-free event; then a zone name nobody knows (no VTIMEZONE for it).
OUTLOOK = ics(
    "BEGIN:VCALENDAR",
    "METHOD:PUBLISH",
    "PRODID:Microsoft Exchange Server 2010",
    "VERSION:2.0",
    "X-WR-CALNAME:Calendar",
    "BEGIN:VTIMEZONE",
    "TZID:Pacific Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:-0700",
    "TZOFFSETTO:-0800",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:-0800",
    "TZOFFSETTO:-0700",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "UID:040000008200E00074C5B7101A82E00800000000OUTLOOK1",
    "SUMMARY:Busy",
    "DTSTART;TZID=Pacific Standard Time:20261210T103000",
    "DTEND;TZID=Pacific Standard Time:20261210T113000",
    "CLASS:PRIVATE",
    "TRANSP:OPAQUE",
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:040000008200E00074C5B7101A82E00800000000OUTLOOK2",
    "SUMMARY:Free",
    "DTSTART;TZID=Pacific Standard Time:20261210T160000",
    "DTEND;TZID=Pacific Standard Time:20261210T170000",
    "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:040000008200E00074C5B7101A82E00800000000OUTLOOK3",
    "SUMMARY:Busy",
    "DTSTART;TZID=Customized Time Zone 7:20261211T090000",
    "DTEND;TZID=Customized Time Zone 7:20261211T093000",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "END:VCALENDAR",
)

# A Windows zone name with no VTIMEZONE at all (what some exporters send).
WINDOWS_NAME_ONLY = ics(
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Test//Outlook-ish//EN",
    "BEGIN:VEVENT",
    "UID:win-1",
    "DTSTART;TZID=Pacific Standard Time:20261210T130000",
    "DTEND;TZID=Pacific Standard Time:20261210T140000",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "END:VCALENDAR",
)

# Floating local times (no zone at all) and an event without an end.
FLOATING = ics(
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Test//Floating//EN",
    "BEGIN:VEVENT",
    "UID:float-1",
    "DTSTART:20261208T120000",
    "DURATION:PT90M",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:float-2",
    "DTSTART:20261208T170000",
    "DTSTAMP:20261201T000000Z",
    "END:VEVENT",
    "END:VCALENDAR",
)

EMPTY_CALENDAR = ics("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Empty//EN", "END:VCALENDAR")

GARBAGE = b"<html><body>Sign in to see this calendar</body></html>"

BROKEN = ics(
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "UID:broken",
    "DTSTART:2026-12-08 noon",
    "DTEND:20261208T130000Z",
    "END:VEVENT",
    "END:VCALENDAR",
)


def huge(megabytes: float) -> bytes:
    """A valid feed of about `megabytes` (one long description)."""
    filler = "X" * 70
    lines = [f" {filler}" for _ in range(int(megabytes * 1024 * 1024 / 73))]
    return ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Huge//EN",
        "BEGIN:VEVENT",
        "UID:huge",
        "DTSTART:20261208T190000Z",
        "DTEND:20261208T200000Z",
        "DESCRIPTION:" + filler,
        *lines,
        "END:VEVENT",
        "END:VCALENDAR",
    )

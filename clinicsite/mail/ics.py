"""iCalendar (RFC 5545) files: invitations attached to booking emails, and feeds.

Every time is written in UTC (`DTSTART:20261101T093000Z`). A local time with a TZID cannot
say which 01:30 of a fall-back night it means: RFC 5545 readers take the first, ical.js the
second, so one of the two repeated hours was always shown an hour off, and a 01:00 PDT to
01:00 PST appointment read as zero minutes long. UTC means one instant in every reader, and
calendar programs show it in the device's own zone anyway. With no TZID to resolve, no
VTIMEZONE is written either (an incomplete one, such as Casablanca's after 2026, cannot
mislead a reader). Feeds name the clinic's zone in X-WR-TIMEZONE for display only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vDuration

PRODID = "-//clinicsite//Bookings//EN"
METHODS = ("REQUEST", "PUBLISH", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


def appointment_ics(
    *,
    uid: str,
    summary: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    tz_name: str,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str | None = None,
    method: str = "REQUEST",
    sequence: int = 0,
    status: str = "CONFIRMED",
    url: str | None = None,
) -> str:
    """One appointment as an iCalendar text, for an email attachment.

    Keep `uid` stable for the appointment (e.g. "appointment-42@clinic.example.com") and
    raise `sequence` each time it changes (reschedule), so calendars update the event they
    already have instead of adding another. A cancellation is method="CANCEL" with
    status="CANCELLED" and a higher sequence.
    """
    method = method.upper()
    status = status.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if method == "CANCEL" and status != "CANCELLED":
        raise ValueError('method="CANCEL" goes with status="CANCELLED"')
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    _zone(tz_name)  # refused if unknown, as before, though times are written in UTC

    calendar = _calendar(method)
    event = _event(
        uid=uid,
        summary=summary,
        description=description,
        location=location,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        sequence=sequence,
        url=url,
    )
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["CN"] = organizer_name
    event.add("organizer", organizer)
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def calendar_feed(events: list[dict], *, name: str, tz_name: str) -> str:
    """A subscription feed: one VCALENDAR with a VEVENT per dict.

    Keys: uid, summary, starts_at, ends_at (required); description, location, status
    (default CONFIRMED), url, sequence (optional).
    """
    _zone(tz_name)
    calendar = _calendar("PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    for item in events:
        status = str(item.get("status") or "CONFIRMED").upper()
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        event = _event(
            uid=item["uid"],
            summary=item["summary"],
            description=item.get("description") or "",
            location=item.get("location") or "",
            starts_at=item["starts_at"],
            ends_at=item["ends_at"],
            status=status,
            sequence=int(item.get("sequence") or 0),
            url=item.get("url"),
        )
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz_name!r}") from exc


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(
    *,
    uid: str,
    summary: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    status: str,
    sequence: int,
    url: str | None,
) -> Event:
    for label, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{label} must be an aware datetime (UTC), not naive")
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")
    if not uid:
        raise ValueError("uid must not be empty")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    # UTC: icalendar writes the form with a trailing Z (see the module docstring).
    event.add("dtstart", starts_at.astimezone(UTC).replace(microsecond=0))
    event.add("dtend", ends_at.astimezone(UTC).replace(microsecond=0))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    return event

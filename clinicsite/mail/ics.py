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

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress, vDuration

PRODID = "-//clinicsite//Bookings//EN"
METHODS = ("REQUEST", "PUBLISH", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass(frozen=True)
class CalendarEvent:
    """One event as a calendar shows it. Keep `uid` stable for the appointment and raise
    `sequence` each time it changes (reschedule, cancel), so calendars update the event they
    already have instead of adding another. Times are aware datetimes."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"
    sequence: int = 0
    url: str | None = None

    def __post_init__(self) -> None:
        for label in ("starts_at", "ends_at"):
            value = getattr(self, label)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{label} must be an aware datetime (UTC), not naive")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if not self.uid:
            raise ValueError("uid must not be empty")
        status = str(self.status).upper()
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        object.__setattr__(self, "status", status)
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")


@dataclass(frozen=True)
class Invitation:
    """Who sends the event and to whom, and what the receiving calendar should do with it:
    REQUEST (add or update), CANCEL (with a CANCELLED event) or PUBLISH (just a copy)."""

    organizer_email: str
    organizer_name: str = ""
    attendee_email: str | None = None
    method: str = "REQUEST"

    def __post_init__(self) -> None:
        method = self.method.upper()
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
        object.__setattr__(self, "method", method)


def visit_location(appointment) -> str:
    """An appointment's LOCATION: for a home visit the client's address and postal code
    (where the therapist goes, and the client's own address in their copy), else the
    studio's name and address."""
    if appointment.at_home:
        return appointment.home_address
    studio = appointment.location
    return ", ".join(part for part in (studio.name, studio.one_line_address) if part)


def appointment_ics(event: CalendarEvent, invitation: Invitation, tz_name: str) -> str:
    """One appointment as an iCalendar text, for an email attachment or a download."""
    if invitation.method == "CANCEL" and event.status != "CANCELLED":
        raise ValueError('method="CANCEL" goes with status="CANCELLED"')
    _zone(tz_name)  # refused if unknown, as before, though times are written in UTC
    calendar = _calendar(invitation.method)
    vevent = _event(event)
    organizer = vCalAddress(f"mailto:{invitation.organizer_email}")
    if invitation.organizer_name:
        organizer.params["CN"] = invitation.organizer_name
    vevent.add("organizer", organizer)
    if invitation.attendee_email:
        attendee = vCalAddress(f"mailto:{invitation.attendee_email}")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")


def calendar_feed(events: list[CalendarEvent], *, name: str, tz_name: str) -> str:
    """A subscription feed: one VCALENDAR with a VEVENT per event."""
    _zone(tz_name)
    calendar = _calendar("PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    for event in events:
        calendar.add_component(_event(event))
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


def _event(e: CalendarEvent) -> Event:
    event = Event()
    event.add("uid", e.uid)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    # UTC: icalendar writes the form with a trailing Z (see the module docstring).
    event.add("dtstart", e.starts_at.astimezone(UTC).replace(microsecond=0))
    event.add("dtend", e.ends_at.astimezone(UTC).replace(microsecond=0))
    event.add("summary", e.summary)
    if e.description:
        event.add("description", e.description)
    if e.location:
        event.add("location", e.location)
    if e.url:
        event.add("url", e.url)
    event.add("sequence", e.sequence)
    event.add("status", e.status)
    event.add("transp", "TRANSPARENT" if e.status == "CANCELLED" else "OPAQUE")
    return event

"""iCalendar (RFC 5545) files: invitations attached to booking emails, and feeds.

Times are stored as aware UTC datetimes; here they are written as local wall times in the
clinic's zone (`DTSTART;TZID=America/Los_Angeles:20260701T100000`) with a VTIMEZONE that
describes that zone, so calendar programs show the appointment at the time the clinic
means, whatever zone the client's device is in. DTSTAMP is written in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration

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
    zone = _zone(tz_name)

    calendar = _calendar(method)
    event = _event(
        uid=uid,
        summary=summary,
        description=description,
        location=location,
        starts_at=starts_at,
        ends_at=ends_at,
        zone=zone,
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
    _add_timezone(calendar, tz_name, zone, [(starts_at, ends_at)])
    return calendar.to_ical().decode("utf-8")


def calendar_feed(events: list[dict], *, name: str, tz_name: str) -> str:
    """A subscription feed: one VCALENDAR with a VEVENT per dict.

    Keys: uid, summary, starts_at, ends_at (required); description, location, status
    (default CONFIRMED), url, sequence (optional).
    """
    zone = _zone(tz_name)
    calendar = _calendar("PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz_name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    spans = []
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
            zone=zone,
            status=status,
            sequence=int(item.get("sequence") or 0),
            url=item.get("url"),
        )
        calendar.add_component(event)
        spans.append((item["starts_at"], item["ends_at"]))
    # Always written, so even a feed without events has a component (RFC 5545 wants one).
    _add_timezone(calendar, tz_name, zone, spans)
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
    zone: ZoneInfo,
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
    # Local wall time in the clinic's zone: icalendar writes TZID=<zone key>.
    event.add("dtstart", starts_at.astimezone(zone).replace(microsecond=0))
    event.add("dtend", ends_at.astimezone(zone).replace(microsecond=0))
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


def _add_timezone(
    calendar: Calendar,
    tz_name: str,
    zone: ZoneInfo,
    spans: Iterable[tuple[datetime, datetime]],
) -> None:
    """Insert the VTIMEZONE for `tz_name`, covering the events (and a year either side)."""
    years = [moment.astimezone(zone).year for span in spans for moment in span]
    if not years:
        years = [datetime.now(zone).year]
    first = date(min(years) - 1, 1, 1)
    last = date(max(years) + 2, 1, 1)
    timezone = Timezone.from_tzid(tz_name, first_date=first, last_date=last)
    _fix_gap_onsets(timezone)
    calendar.subcomponents.insert(0, timezone)


def _fix_gap_onsets(timezone: Timezone) -> None:
    """Make each onset the local time *before* the change, as RFC 5545 says.

    icalendar (7.3) writes the first wall time after a change. For a fall-back change that
    is the same clock reading as the one before it (02:00), but for a spring-forward change
    it writes 03:00 where the RFC wants 02:00 (read with TZOFFSETFROM), which puts the
    change an hour late for programs that read the VTIMEZONE rather than the TZID.
    """
    for observance in timezone.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        shift = offset_to - offset_from
        if shift <= timedelta():
            continue
        observance["DTSTART"].dt = observance["DTSTART"].dt - shift
        rdates = observance.get("RDATE")
        if rdates is None:
            continue
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            for value in rdate.dts:
                value.dt = value.dt - shift

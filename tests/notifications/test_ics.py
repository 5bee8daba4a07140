"""iCalendar attachments and feeds, read back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from clinicsite.mail.ics import CalendarEvent, Invitation, appointment_ics, calendar_feed

LA = "America/Los_Angeles"


def invite(starts_at: datetime, minutes: int = 60, tz_name: str = LA, **fields) -> str:
    values = {
        "uid": "appointment-7@clinic.test",
        "summary": "Neuromuscular Therapy with Sam",
        "description": "Manage or cancel: https://clinic.test/b/abc",
        "location": "Downtown studio, 1 Main St, Springfield",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=minutes),
        "tz_name": tz_name,
        "organizer_email": "bookings@clinic.test",
        "organizer_name": "The Clinic",
        "attendee_email": "pat@example.com",
    }
    values.update(fields)
    return appointment_ics(*event_and_invitation(values))


def event_and_invitation(values: dict) -> tuple:
    """Split keyword values as the old one-call API took them into the parameter objects."""
    invitation_keys = ("organizer_email", "organizer_name", "attendee_email", "method")
    invitation = {k: values.pop(k) for k in invitation_keys if k in values}
    tz_name = values.pop("tz_name")
    return CalendarEvent(**values), Invitation(**invitation), tz_name


def only_event(text: str):
    calendar = Calendar.from_ical(text)
    [event] = calendar.events
    return calendar, event


def unfold(text: str) -> list[str]:
    """RFC 5545 section 3.1: CRLF line breaks; a line starting with a space continues one."""
    assert "\n" not in text.replace("\r\n", "")
    lines: list[str] = []
    for line in text.split("\r\n"):
        if line.startswith((" ", "\t")):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def plain_read(text: str) -> list[dict[str, tuple[dict[str, str], str]]]:
    """A second reader, independent of icalendar: the VEVENTs as {NAME: (params, value)}."""
    events, current = [], None
    for line in unfold(text):
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name.upper()] = (dict(p.split("=", 1) for p in params), value)
    return events


def plain_instant(params: dict[str, str], value: str) -> datetime:
    """A DATE-TIME as an instant. Only the UTC form (trailing Z) names one instant in every
    reader, so anything else (floating, or TZID local time) fails the test."""
    assert not params, params
    assert value.endswith("Z"), value
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def plain_times(text: str) -> tuple[datetime, datetime]:
    [event] = plain_read(text)
    return plain_instant(*event["DTSTART"]), plain_instant(*event["DTEND"])


FALL_BACK_1AM_PDT = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)  # 01:00 PDT
FALL_BACK_1AM_PST = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # 01:00 PST, an hour later


@pytest.mark.parametrize(
    ("starts_at", "minutes"),
    [
        (datetime(2026, 7, 15, 17, 0, tzinfo=UTC), 60),  # summer, PDT
        (datetime(2026, 1, 15, 18, 0, tzinfo=UTC), 60),  # winter, PST
        (datetime(2026, 11, 1, 18, 0, tzinfo=UTC), 60),  # 10:00 on the fall-back day
        (datetime(2026, 3, 8, 17, 0, tzinfo=UTC), 60),  # 10:00 on the spring-forward day
        (FALL_BACK_1AM_PDT + timedelta(minutes=30), 60),  # 01:30 PDT, the first 01:30
        (FALL_BACK_1AM_PST + timedelta(minutes=30), 60),  # 01:30 PST, the second 01:30
        (FALL_BACK_1AM_PDT, 60),  # 01:00 PDT to 01:00 PST: same wall clock, an hour apart
        (FALL_BACK_1AM_PDT - timedelta(minutes=30), 120),  # 00:30 PDT to 01:30 PST
        (datetime(2026, 3, 8, 9, 30, tzinfo=UTC), 60),  # 01:30 PST to 03:30 PDT
    ],
)
def test_times_mean_one_instant_in_two_independent_readers(starts_at, minutes):
    text = invite(starts_at, minutes)
    ends_at = starts_at + timedelta(minutes=minutes)
    # Reader 1: the icalendar package.
    _, event = only_event(text)
    assert (event.start, event.end) == (starts_at, ends_at)
    assert event.start.utcoffset() == timedelta(0)
    # Reader 2: the plain RFC 5545 reader above, which accepts only unambiguous times.
    assert plain_times(text) == (starts_at, ends_at)
    assert "TZID" not in text  # no local time left for a reader to resolve its own way


def test_a_third_reader_agrees_when_installed():
    vobject = pytest.importorskip("vobject")
    for starts_at in (FALL_BACK_1AM_PDT, FALL_BACK_1AM_PST + timedelta(minutes=30)):
        [parsed] = list(vobject.readComponents(invite(starts_at)))
        assert parsed.vevent.dtstart.value == starts_at
        assert parsed.vevent.dtend.value == starts_at + timedelta(hours=1)


@pytest.mark.parametrize("tz_name", ["Africa/Casablanca", "Africa/El_Aaiun", LA])
def test_no_vtimezone_is_written_for_a_reader_to_misread(tz_name):
    # Casablanca's VTIMEZONE from icalendar 7.3 missed the 2027 changes; times in UTC need
    # none, so the 2027 Ramadan change cannot be read wrongly.
    starts_at = datetime(2027, 2, 15, 10, 0, tzinfo=UTC)
    calendar, event = only_event(invite(starts_at, tz_name=tz_name))
    assert calendar.timezones == []
    assert event.start == starts_at and plain_times(invite(starts_at, tz_name=tz_name))[0] == (
        starts_at
    )


def test_invitation_fields():
    text = invite(datetime(2026, 7, 15, 17, 0, tzinfo=UTC), url="https://clinic.test/b/abc")
    calendar, event = only_event(text)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert event["UID"] == "appointment-7@clinic.test"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "Neuromuscular Therapy with Sam"
    assert event["LOCATION"] == "Downtown studio, 1 Main St, Springfield"
    assert event["URL"] == "https://clinic.test/b/abc"
    assert str(event["ORGANIZER"]) == "mailto:bookings@clinic.test"
    assert event["ORGANIZER"].params["CN"] == "The Clinic"
    assert str(event["ATTENDEE"]) == "mailto:pat@example.com"
    stamp = event["DTSTAMP"].dt
    assert stamp.utcoffset() == timedelta(0)
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=1)
    assert "\r\nDTSTAMP:" in text and text.split("\r\nDTSTAMP:")[1].split("\r\n")[0].endswith("Z")


def test_cancellation():
    text = invite(
        datetime(2026, 7, 15, 17, 0, tzinfo=UTC), method="CANCEL", status="CANCELLED", sequence=2
    )
    calendar, event = only_event(text)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert event["UID"] == "appointment-7@clinic.test"  # the same event, now cancelled


def test_reschedule_raises_the_sequence():
    _, event = only_event(invite(datetime(2026, 7, 16, 17, 0, tzinfo=UTC), sequence=1))
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CONFIRMED"


@pytest.mark.parametrize(
    "fields",
    [
        {"method": "CANCEL"},  # a cancellation must say CANCELLED
        {"method": "REFRESH"},
        {"status": "MAYBE"},
        {"sequence": -1},
        {"tz_name": "Mars/Olympus_Mons"},
        {"starts_at": datetime(2026, 7, 15, 10, 0)},  # naive
        {"minutes": 0},
        {"uid": ""},
    ],
)
def test_refuses_bad_input(fields):
    starts_at = fields.pop("starts_at", datetime(2026, 7, 15, 17, 0, tzinfo=UTC))
    minutes = fields.pop("minutes", 60)
    with pytest.raises(ValueError):
        invite(starts_at, minutes, **fields)


def test_text_is_escaped_and_round_trips():
    description = "Bring: water, comfortable clothes; parking at the back.\nSecond line é"
    _, event = only_event(invite(datetime(2026, 7, 15, 17, 0, tzinfo=UTC), description=description))
    assert event["DESCRIPTION"] == description


def test_calendar_feed():
    events = [
        {
            "uid": f"appointment-{n}@clinic.test",
            "summary": f"Client {n}",
            "description": "Notes, with a comma",
            "location": "Downtown studio",
            "starts_at": datetime(2026, month, 10, 17, 0, tzinfo=UTC),
            "ends_at": datetime(2026, month, 10, 18, 30, tzinfo=UTC),
            "status": status,
            "url": f"https://clinic.test/staff/appointments/{n}",
        }
        for n, (month, status) in enumerate(
            [(1, "CONFIRMED"), (7, "CONFIRMED"), (12, "CANCELLED")], start=1
        )
    ]
    text = calendar_feed(
        [CalendarEvent(**e) for e in events], name="Sam's appointments", tz_name=LA
    )
    calendar = Calendar.from_ical(text)
    assert calendar["X-WR-CALNAME"] == "Sam's appointments"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-TIMEZONE"] == LA
    parsed = calendar.events
    assert [e["UID"] for e in parsed] == [e["uid"] for e in events]
    assert [e.start for e in parsed] == [e["starts_at"] for e in events]
    assert [plain_instant(*e["DTSTART"]) for e in plain_read(text)] == [
        e["starts_at"] for e in events
    ]
    assert [e["STATUS"] for e in parsed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert parsed[0].end - parsed[0].start == timedelta(minutes=90)
    assert parsed[1]["URL"] == "https://clinic.test/staff/appointments/2"


def test_an_empty_feed_is_still_a_calendar():
    calendar = Calendar.from_ical(calendar_feed([], name="Nothing yet", tz_name=LA))
    assert calendar.events == [] and calendar["X-WR-CALNAME"] == "Nothing yet"


@settings(max_examples=60, deadline=None, database=None)
@given(
    minute=st.integers(0, 38 * 366 * 24 * 60),
    tz_name=st.sampled_from(sorted(available_timezones())),
)
def test_any_time_in_any_zone_reads_back_the_same(minute, tz_name):
    starts_at = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(minutes=minute)
    text = invite(starts_at, tz_name=tz_name)
    _, event = only_event(text)
    assert event.start == starts_at
    assert plain_times(text) == (starts_at, starts_at + timedelta(hours=1))

"""iCalendar attachments and feeds, read back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from clinicsite.mail.ics import appointment_ics, calendar_feed

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
    return appointment_ics(**values)


def only_event(text: str):
    calendar = Calendar.from_ical(text)
    [event] = calendar.events
    return calendar, event


@pytest.mark.parametrize(
    ("starts_at", "local", "offset_hours"),
    [
        (datetime(2026, 7, 15, 17, 0, tzinfo=UTC), "20260715T100000", -7),  # summer, PDT
        (datetime(2026, 1, 15, 18, 0, tzinfo=UTC), "20260115T100000", -8),  # winter, PST
        # The day the clocks go back (02:00 PDT -> 01:00 PST): 10:00 is already PST.
        (datetime(2026, 11, 1, 18, 0, tzinfo=UTC), "20261101T100000", -8),
        # The day the clocks go forward: 10:00 is PDT.
        (datetime(2026, 3, 8, 17, 0, tzinfo=UTC), "20260308T100000", -7),
    ],
)
def test_times_are_local_wall_times_in_the_clinic_zone(starts_at, local, offset_hours):
    text = invite(starts_at)
    assert f"DTSTART;TZID={LA}:{local}\r\n" in text
    calendar, event = only_event(text)
    assert event["DTSTART"].params["TZID"] == LA
    assert event.start.utcoffset() == timedelta(hours=offset_hours)
    assert event.start.replace(tzinfo=None) == starts_at.astimezone(ZoneInfo(LA)).replace(
        tzinfo=None
    )
    assert event.start == starts_at and event.end == starts_at + timedelta(hours=1)
    assert event["DTEND"].params["TZID"] == LA
    [timezone] = calendar.timezones
    assert timezone.tz_name == LA


def test_the_vtimezone_matches_the_zone_around_each_change():
    calendar, _ = only_event(invite(datetime(2026, 7, 15, 17, 0, tzinfo=UTC)))
    # Read the VTIMEZONE itself, as a program that does not know the TZID would.
    described = calendar.timezones[0].to_tz(lookup_tzid=False)
    zone = ZoneInfo(LA)
    changes = [datetime(2026, 3, 8, 10, 0, tzinfo=UTC), datetime(2026, 11, 1, 9, 0, tzinfo=UTC)]
    for change in changes:
        for minutes in (-61, -1, 0, 1, 30, 61):
            moment = change + timedelta(minutes=minutes)
            assert (
                moment.astimezone(described).utcoffset() == moment.astimezone(zone).utcoffset()
            ), moment


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
    text = calendar_feed(events, name="Sam's appointments", tz_name=LA)
    calendar = Calendar.from_ical(text)
    assert calendar["X-WR-CALNAME"] == "Sam's appointments"
    assert calendar["METHOD"] == "PUBLISH"
    assert [t.tz_name for t in calendar.timezones] == [LA]
    parsed = calendar.events
    assert [e["UID"] for e in parsed] == [e["uid"] for e in events]
    assert [e.start.hour for e in parsed] == [9, 10, 9]  # PST, PDT, PST
    assert all(e["DTSTART"].params["TZID"] == LA for e in parsed)
    assert [e["STATUS"] for e in parsed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert parsed[0].end - parsed[0].start == timedelta(minutes=90)
    assert parsed[1]["URL"] == "https://clinic.test/staff/appointments/2"


def test_an_empty_feed_is_still_a_calendar():
    calendar = Calendar.from_ical(calendar_feed([], name="Nothing yet", tz_name=LA))
    assert calendar.events == [] and len(calendar.timezones) == 1


ZONES = ["America/Los_Angeles", "America/New_York", "Europe/London", "Australia/Sydney"]


@settings(max_examples=60, deadline=None, database=None)
@given(
    minute=st.integers(0, 38 * 366 * 24 * 60),
    tz_name=st.sampled_from(ZONES),
)
def test_any_time_in_any_zone_reads_back_the_same(minute, tz_name):
    starts_at = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(minutes=minute)
    calendar, event = only_event(invite(starts_at, tz_name=tz_name))
    zone = ZoneInfo(tz_name)
    local = starts_at.astimezone(zone)
    assert event.start.replace(tzinfo=None) == local.replace(tzinfo=None)
    described = calendar.timezones[0].to_tz(lookup_tzid=False)
    assert starts_at.astimezone(described).utcoffset() == local.utcoffset()

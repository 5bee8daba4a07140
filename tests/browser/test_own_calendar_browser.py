"""A therapist's own calendar in a real browser: Dana pastes the secret address of a
calendar with a weekly Tuesday class, syncs it, and the public booking page stops
offering those hours (the feed served by a real local HTTP server)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.test_staff_browser import next_weekday
from tests.calendars.feeds import ics
from tests.support.booking_helpers import NMT, clinic_tz, option_id
from tests.support.ics_server import FeedServer

pytestmark = pytest.mark.browser


def weekly_class(first_day) -> bytes:
    """Google's shape: a UTC start with X-WR-TIMEZONE, every week from `first_day` 11:00."""
    start = datetime.combine(first_day, time(11), tzinfo=clinic_tz()).astimezone(UTC)
    stamp = "%Y%m%dT%H%M%SZ"
    return ics(
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "X-WR-TIMEZONE:America/Los_Angeles",
        "BEGIN:VEVENT",
        f"DTSTART:{start.strftime(stamp)}",
        f"DTEND:{(start + timedelta(hours=1)).strftime(stamp)}",
        "RRULE:FREQ=WEEKLY",
        "UID:class@google.com",
        "SUMMARY:Yoga class",
        "END:VEVENT",
        "END:VCALENDAR",
    )


def test_a_synced_weekly_event_leaves_the_public_booking_page(live_server, page, clinic):
    tuesday = next_weekday(clinic, 1)  # Dana works 10:00-14:00 at Culver City
    query = {
        "service": NMT,
        "option": option_id(clinic, NMT, 60),
        "location": "culver-city-studio",
        "therapist": "dana-okafor",
        "day": tuesday.isoformat(),
    }
    booking_page = live_server + "/book/?" + urlencode(query)
    times = page.locator(".time-list")
    page.goto(booking_page)
    expect(times.get_by_role("link", name="11:00 AM", exact=True)).to_be_visible()

    with FeedServer() as feeds:
        feeds.route("/private-3c9f/basic.ics", weekly_class(tuesday))
        page.goto(live_server + "/staff/login")
        page.get_by_label("Email").fill("dana@example.com")
        page.get_by_label("Password").fill("clinic-demo-2026")
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("h1")).to_contain_text("Today")
        page.locator(".staff-nav").get_by_role("link", name="Schedules").click()
        expect(page.locator("h1")).to_have_text("Schedule of Dana Okafor")
        page.get_by_label("Secret address in iCal format").fill(
            feeds.url("/private-3c9f/basic.ics")
        )
        page.get_by_role("button", name="Save address").click()
        expect(page.get_by_text("Calendar address saved")).to_be_visible()
        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_text("Calendar read:")).to_be_visible()
        panel = page.locator("section", has=page.locator("#own-calendar"))
        expect(panel).to_contain_text("127.0.0.1/….ics")
        expect(panel).not_to_contain_text("private-3c9f")
        shoot(page, "own-calendar-1-synced")

    page.goto(booking_page)
    expect(times.get_by_role("link", name="12:00 PM", exact=True)).to_be_visible()
    expect(times.get_by_role("link", name="11:00 AM", exact=True)).to_have_count(0)
    expect(times.get_by_role("link", name="10:30 AM", exact=True)).to_have_count(0)
    shoot(page, "own-calendar-2-booking-page")
    assert page.console_errors == []

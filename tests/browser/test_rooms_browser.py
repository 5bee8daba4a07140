"""Rooms in a real browser: a studio with two rooms and three therapists free at the same
hour. Two clients hold that hour; a third, who had the form open, is told it was just taken,
and the third therapist's times no longer offer it."""

from __future__ import annotations

import re
from datetime import time
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    ClinicSettings,
    Location,
    Room,
    ServiceOption,
    Therapist,
    WorkingHours,
)
from tests.browser.conftest import shoot
from tests.browser.test_staff_browser import next_weekday

pytestmark = pytest.mark.browser

TEN = re.compile(r"^\s*10:00 AM")


def two_rooms_three_therapists(app) -> str:
    """Rooms at Hermosa Beach and Wednesday hours there for Lena and Theo (Dana has hers);
    no per-client limits, since every client here comes from one address."""
    with app.app_context():
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        db.session.add_all(
            [Room(location=studio, name="Dune Room"), Room(location=studio, name="Tide Room")]
        )
        for slug, end in (("lena-marchetti", time(11)), ("theo-nakamura", time(13))):
            therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=slug))
            db.session.add(
                WorkingHours(
                    therapist=therapist, location=studio, weekday=2, starts_at=time(9), ends_at=end
                )
            )
        clinic = db.session.get(ClinicSettings, 1)
        clinic.max_holds_per_client = clinic.max_bookings_per_client_day = 0
        option = db.session.scalar(
            sa.select(ServiceOption)
            .where(ServiceOption.duration_minutes == 60)
            .join(ServiceOption.service)
            .filter_by(slug="neuromuscular-therapy")
        )
        db.session.commit()
        return str(option.id)


def times_url(live_server, option: str, therapist: str, day) -> str:
    query = {
        "service": "neuromuscular-therapy",
        "option": option,
        "extras": "1",
        "location": "hermosa-beach-studio",
        "therapist": therapist,
        "day": day.isoformat(),
    }
    return f"{live_server}/book/?{urlencode(query)}"


def open_ten_oclock(page, url: str) -> None:
    page.goto(url)
    page.locator(".time-list a").filter(has_text=TEN).click()
    expect(page.locator("h1")).to_have_text("Your details")


def fill_and_hold(page, name: str, email: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mobile phone").fill("310 555 0123")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time").click()


def test_two_rooms_take_two_clients_and_the_third_is_refused(live_server, browser, page, clinic):
    option = two_rooms_three_therapists(clinic)
    wednesday = next_weekday(clinic, 2)
    url = lambda slug: times_url(live_server, option, slug, wednesday)  # noqa: E731

    open_ten_oclock(page, url("dana-okafor"))
    fill_and_hold(page, "Ada Client", "ada@example.com")
    expect(page.locator(".status")).to_contain_text("no card is charged")

    # The third client opens the form for Theo at 10:00 while a room is still free ...
    third = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_ten_oclock(third, url("theo-nakamura"))

    # ... the second client takes the last room with Lena ...
    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_ten_oclock(second, url("lena-marchetti"))
    fill_and_hold(second, "Bea Client", "bea@example.com")
    expect(second.locator(".status")).to_contain_text("no card is charged")

    # ... and the third is told, keeping what they typed, with other times offered.
    fill_and_hold(third, "Cy Client", "cy@example.com")
    expect(third.get_by_text("That time was just taken")).to_be_visible()
    expect(third.get_by_label("Full name")).to_have_value("Cy Client")
    shoot(third, "rooms-1-third-refused")

    # Theo is free at 10:00, but both rooms are taken until 11:15: not offered.
    third.goto(url("theo-nakamura"))
    times = third.locator(".time-list a")
    expect(times.first).to_be_visible()
    expect(times.filter(has_text=TEN)).to_have_count(0)
    expect(times.filter(has_text=re.compile(r"^\s*11:15 AM"))).to_have_count(1)
    shoot(third, "rooms-2-times-without-ten")

    with clinic.app_context():
        rooms = db.session.scalars(sa.select(Appointment.room_id)).all()
        assert len(rooms) == 2 and len(set(rooms)) == 2 and None not in rooms
    assert page.console_errors == []

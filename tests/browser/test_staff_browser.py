"""The front desk in a real browser: log in, open the week, book a client who phoned,
then cancel an appointment from its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite import clock
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser


def next_weekday(app, weekday: int):
    """The next local date (at least 2 days away) falling on `weekday` (0 = Monday)."""
    with app.app_context():
        today = clock.now().astimezone(get_clinic().tz).date()
    day = today + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def test_front_desk_books_a_phone_client_and_cancels(live_server, page, clinic):
    page.goto(live_server + "/staff/")
    assert page.url.startswith(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text().startswith("Today")

    page.locator(".staff-nav").get_by_role("link", name="Calendar", exact=True).click()
    assert page.locator("h1").inner_text().startswith("Week of")
    shoot(page, "staff-1-week")

    day = next_weekday(clinic, 2)  # a Wednesday: Dana works at Hermosa Beach
    page.get_by_role("link", name="Book a client").first.click()
    page.get_by_label("Service and length").select_option(label="Neuromuscular Therapy, 60 min")
    page.get_by_label("Therapist").select_option(label="Dana Okafor")
    page.get_by_label("Studio").select_option(label="Saltgrass Hermosa Beach Studio")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("Client's name").fill("Walter Phone")
    page.get_by_label("Client's email").fill("walter@example.com")
    page.get_by_label("Waive the deposit").check()
    shoot(page, "staff-2-phone-booking")
    page.get_by_role("button", name="Book", exact=True).click()

    assert "Walter Phone" in page.locator("h1").inner_text()
    expect(page.get_by_text("Booked and confirmed")).to_be_visible()
    shoot(page, "staff-3-appointment")

    page.locator(".staff-nav").get_by_role("link", name="Calendar", exact=True).click()
    day_link = page.get_by_role("link", name=day.strftime("%a %-d %b"))
    if not day_link.count():
        page.get_by_role("link", name="Next week →").click()
    day_link.click()
    expect(page.get_by_text("Walter Phone").first).to_be_visible()
    shoot(page, "staff-4-day")
    page.get_by_text("Walter Phone").first.click()

    page.get_by_label("Reason (optional)").fill("Client rang to cancel")
    page.get_by_role("button", name="Cancel appointment").click()
    assert page.locator(".status").inner_text() == "Cancelled"
    assert page.get_by_text("cancelled</strong>", exact=False).count() == 0  # escaped text only
    expect(page.locator(".history").get_by_text("Client rang to cancel")).to_be_visible()
    shoot(page, "staff-5-cancelled")
    with clinic.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert appt.status == "cancelled" and appt.source == "phone"
    assert [e for e in page.console_errors if "40" not in e] == []

"""The front desk books a standing appointment in a real browser: six Wednesdays at
10:00 across the spring change of the clocks (2027-03-14 in Los Angeles), every visit
shown at 10:00, the first three PST and the last three PDT."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.browser.conftest import shoot
from tests.series.helpers import NOW, WEDNESDAYS, local

pytestmark = pytest.mark.browser


def test_front_desk_books_six_weekly_visits_across_the_change_of_the_clocks(
    live_server, page, clinic, monkeypatch
):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    page.goto(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()

    page.locator(".staff-nav").get_by_role("link", name="Book a client").click()
    page.get_by_role("link", name="Book a standing appointment").click()
    expect(page.locator("h1")).to_have_text("Book a standing appointment")
    page.get_by_label("Service and length").select_option(label="Neuromuscular Therapy, 60 min")
    page.get_by_label("Therapist").select_option(label="Dana Okafor")
    page.get_by_label("Studio").select_option(label="Saltgrass Hermosa Beach Studio")
    page.get_by_label("Date").fill("2027-02-24")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Repeat every (weeks)").fill("1")
    page.get_by_label("Number of visits").fill("6")
    page.get_by_label("Client's name").fill("Wanda Weekly")
    page.get_by_label("Client's phone").fill("310 555 0166")
    shoot(page, "staff-series-1-form")
    page.get_by_role("button", name="Book the visits").click()

    expect(page.locator("h1")).to_have_text("Standing appointment: Wanda Weekly")
    expect(page.get_by_text("Booked all 6 visits.")).to_be_visible()
    visits = page.locator(".series-visits > li").all_inner_texts()
    assert visits == [
        "Wednesday, February 24, 2027 at 10:00 AM PST",
        "Wednesday, March 3, 2027 at 10:00 AM PST",
        "Wednesday, March 10, 2027 at 10:00 AM PST",
        "Wednesday, March 17, 2027 at 10:00 AM PDT",
        "Wednesday, March 24, 2027 at 10:00 AM PDT",
        "Wednesday, March 31, 2027 at 10:00 AM PDT",
    ]
    shoot(page, "staff-series-2-visits")

    page.get_by_role("link", name="Wednesday, March 17, 2027 at 10:00 AM PDT").click()
    expect(page.get_by_text("Visit 4 of 6.")).to_be_visible()
    expect(page.get_by_role("button", name="Move this and later visits")).to_be_visible()
    with clinic.app_context():
        starts = db.session.scalars(sa.select(Appointment.starts_at).order_by(Appointment.id))
        assert [local(s).replace(tzinfo=None) for s in starts] == WEDNESDAYS
    assert page.console_errors == []

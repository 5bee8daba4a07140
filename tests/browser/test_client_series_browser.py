"""A client makes their booking a standing appointment in a real browser: from the
booking's own page, every week, five visits across the spring change of the clocks
(2027-03-14 in Los Angeles), each at 10:00 local time and each with its own page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings
from tests.browser.conftest import shoot
from tests.series.helpers import NOW, WEDNESDAYS, booked_online, local

pytestmark = pytest.mark.browser


def test_a_client_makes_their_booking_weekly_and_sees_the_visits(
    live_server, page, clinic, monkeypatch
):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    with clinic.app_context():
        db.session.get(ClinicSettings, 1).clients_book_series = True
        db.session.commit()
    token = booked_online(clinic)

    page.goto(f"{live_server}/booking/{token}")
    page.get_by_role("link", name="Make this a standing appointment").click()
    expect(page.locator("h1")).to_have_text("Make this a standing appointment")
    expect(page.get_by_text("deposit you paid covers the series")).to_be_visible()
    page.get_by_label("Repeat every").select_option(label="week")
    page.get_by_label("Visits in total, this one included").select_option(label="5 visits")
    page.get_by_role("button", name="Show the dates").click()
    dates = page.locator(".series-visits time").all_inner_texts()
    assert dates == [
        "Wednesday, February 24, 2027 at 10:00 AM PST",
        "Wednesday, March 3, 2027 at 10:00 AM PST",
        "Wednesday, March 10, 2027 at 10:00 AM PST",
        "Wednesday, March 17, 2027 at 10:00 AM PDT",
        "Wednesday, March 24, 2027 at 10:00 AM PDT",
    ]
    shoot(page, "client-series-1-dates")
    page.get_by_role("button", name="Book these 5 visits").click()

    assert page.url.endswith(f"/booking/{token}")
    expect(page.get_by_text("Your standing appointment is booked: all 5 visits.")).to_be_visible()
    expect(page.get_by_text("This is visit 1 of 5, every week.")).to_be_visible()
    assert page.locator(".series-visits time").all_inner_texts() == dates
    shoot(page, "client-series-2-visits")

    page.get_by_role("link", name="Wednesday, March 17, 2027 at 10:00 AM PDT").click()
    expect(page.get_by_text("This is visit 4 of 5, every week.")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel")).to_be_visible()
    with clinic.app_context():
        starts = db.session.scalars(sa.select(Appointment.starts_at).order_by(Appointment.id))
        assert [local(s).replace(tzinfo=None) for s in starts] == WEDNESDAYS[:5]
    assert page.console_errors == []

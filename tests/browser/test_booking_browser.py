"""A client books an appointment at the test clinic end to end in Chromium, on a phone-sized
screen, with the fake gateway that `make run` uses: home -> service -> length -> studio ->
therapist -> day -> time -> details -> test payment -> confirmation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Appointment, OutboxEmail
from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser


def test_client_books_and_pays_a_deposit(live_server, page, clinic):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + "/")
    page.get_by_role("link", name="Book an appointment").first.click()
    shoot(page, "book-1-services")

    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Neuromuscular Therapy").first.click()
    choices.get_by_role("link", name="1 h 30 min").click()  # the 90-minute option
    shoot(page, "book-2-studio")
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    shoot(page, "book-3-days")
    page.locator(".day-list a").first.click()
    shoot(page, "book-4-times")
    first_time = page.locator(".time-list a").first
    chosen_time = first_time.inner_text().strip()
    first_time.click()

    expect(page.locator("h1")).to_have_text("Your details")
    page.get_by_role("button", name="Hold this time").click()  # empty: errors, nothing lost
    expect(page.get_by_text("Please give your name.")).to_be_visible()
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0177")
    page.get_by_label("Current pain or injury").fill("Left shoulder, since a fall in October.")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    shoot(page, "book-5-details")
    page.get_by_role("button", name="Hold this time").click()

    assert "no card is charged" in page.locator(".status").inner_text()
    shoot(page, "book-6-test-payment")
    page.get_by_role("button", name="(test)").click()

    expect(page.locator("h1")).to_have_text("You are booked")
    assert chosen_time.split(" ")[0] in page.locator(".lead").inner_text()
    shoot(page, "book-7-confirmed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with clinic.app_context():
        appointment = db.session.scalar(sa.select(Appointment))
        assert appointment.status == "confirmed"
        answers = {a["label"]: a["answer"] for a in appointment.intake["answers"]}
        assert answers["Current pain or injury"] == "Left shoulder, since a fall in October."
        subjects = db.session.scalars(sa.select(OutboxEmail.subject)).all()
        assert any(s.startswith("Booked: Neuromuscular Therapy") for s in subjects)
    assert [e for e in page.console_errors if "422" not in e] == []

    # The calendar file downloads from the confirmation page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename == "appointment.ics"

"""A full day gets two clients on the waitlist in Chromium; a cancellation offers the time to
both by email; the first to claim it books and pays, the second is told it has gone."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.appointments.cancellation import cancel
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, ServiceOption, WaitlistEntry
from clinicsite.payments import get_gateway
from tests.browser.conftest import shoot
from tests.support.booking_helpers import FrozenClock
from tests.support.mail_helpers import deliver
from tests.support.staff_helpers import make_appointment
from tests.support.waitlist_helpers import NMT, NOW, WEDNESDAY, claim_links, local

pytestmark = pytest.mark.browser

# Dana's Wednesday at Hermosa Beach, 09:00-15:00: five 60-minute sessions (and their
# 15-minute buffers) leave no time free.
FULL_DAY = [local(WEDNESDAY, 9) + timedelta(minutes=75 * i) for i in range(5)]


def day_url(live_server: str, clinic) -> str:
    with clinic.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption.id)
            .join(ServiceOption.service)
            .where(ServiceOption.duration_minutes == 60)
            .filter_by(slug=NMT)
        )
    query = {
        "service": NMT,
        "option": option,
        "location": "hermosa-beach-studio",
        "therapist": "dana-okafor",
        "day": WEDNESDAY.isoformat(),
    }
    return f"{live_server}/book/?{urlencode(query)}"


def join_waitlist(page, url: str, name: str, email: str) -> None:
    page.goto(url)
    expect(page.get_by_text("No free times on that day")).to_be_visible()
    page.get_by_role("link", name="Join the waitlist").click()
    expect(page.locator("h1")).to_have_text("Join the waitlist")
    assert page.get_by_label("First day").input_value() == WEDNESDAY.isoformat()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.locator("h1")).to_have_text("You are on the waitlist")


def test_full_day_waitlist_first_claim_wins_second_is_told(
    live_server, page, browser, clinic, monkeypatch, tmp_path
):
    FrozenClock(NOW).install(monkeypatch)
    booked = [make_appointment(clinic, start, deposit=True, paid=True) for start in FULL_DAY]
    url = day_url(live_server, clinic)

    join_waitlist(page, url, "Ana Waiting", "ana@example.com")
    shoot(page, "waitlist-1-joined")
    other = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    join_waitlist(other, url, "Ben Waiting", "ben@example.com")

    with clinic.test_request_context():  # the front desk cancels Rita's 10:15
        cancel(db.session.get(Appointment, booked[1]), get_clinic(), get_gateway(), NOW)
    messages = deliver(clinic, tmp_path)
    (ana_link,) = claim_links(messages, "ana@example.com")
    (ben_link,) = claim_links(messages, "ben@example.com")

    page.goto(ana_link)
    assert "10:15 AM" in page.locator("form").inner_text()
    shoot(page, "waitlist-2-offer")
    page.get_by_label("No", exact=True).check()  # the required health question
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Claim this time").click()
    assert "no card is charged" in page.locator(".status").inner_text()
    page.get_by_role("button", name="(test)").click()
    expect(page.locator("h1")).to_have_text("You are booked")

    other.goto(ben_link)
    expect(other.locator("h1")).to_have_text("This time has gone")
    expect(other.get_by_text("Someone else took this time")).to_be_visible()
    shoot(other, "waitlist-3-gone")
    other.context.close()

    with clinic.app_context():
        at_ten_fifteen = db.session.execute(
            sa.select(Appointment.client_email, Appointment.status).where(
                Appointment.starts_at == FULL_DAY[1]
            )
        ).all()
        rows = db.session.execute(sa.select(WaitlistEntry.email, WaitlistEntry.status))
        waiting = {email: status for email, status in rows}
    assert sorted(at_ten_fifteen) == [
        ("ana@example.com", "confirmed"),
        ("rita@example.com", "cancelled"),
    ]
    assert waiting == {"ana@example.com": "booked", "ben@example.com": "active"}
    assert page.console_errors == []

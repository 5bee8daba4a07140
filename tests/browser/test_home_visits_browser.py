"""Home visits in Chromium (issue 16): a client in Redondo Beach books a visit at home and
pays the deposit; a second client, in Santa Monica, is offered only times that leave the
therapist the 50 minutes between the two; an address outside every area is refused with the
nearest areas named. The therapist's home-visit hours are on Sundays, so only travel stands
between the two visits."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.browser.conftest import shoot
from tests.support.booking_helpers import FrozenClock
from tests.support.home_visits import enable_home_visits

pytestmark = pytest.mark.browser


@pytest.fixture
def home(clinic, monkeypatch):
    FrozenClock().install(monkeypatch)
    enable_home_visits(clinic, minutes={("redondo-beach", "santa-monica"): 50})
    return clinic


def to_address_step(page, live_server: str, postal: str) -> None:
    page.goto(live_server + "/book/?service=neuromuscular-therapy")
    hour = page.locator("strong", has_text=re.compile(r"^1 h$"))
    page.locator(".choice-list a", has=hour).click()
    if page.get_by_role("button", name="Continue").count():  # the extras, if offered
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your postal code").fill(postal)
    page.get_by_role("button", name="Find times at my address").click()


def sunday_times(page) -> list[str]:
    page.locator(".choice-list").get_by_role("link", name="Dana Okafor").click()
    page.locator(".day-list a").first.click()
    expect(page.locator("#times")).to_contain_text("Sun")
    return [t.strip().split(" ")[0] for t in page.locator(".time-list a").all_inner_texts()]


def test_home_visits_leave_the_travel_time_between_clients(live_server, page, home):
    page.set_viewport_size({"width": 360, "height": 800})
    to_address_step(page, live_server, "90277")
    summary = page.locator(".booking-summary")
    expect(summary).to_contain_text("At your address in Redondo Beach")
    expect(summary).to_contain_text("+$25")
    times = sunday_times(page)
    assert times[0] == "9:00" or times[0].startswith("9:00"), times
    shoot(page, "home-visit-1-times")
    page.locator(".time-list a", has_text="10:00").first.click()

    expect(page.locator("h1")).to_have_text("Your details")
    page.get_by_label("Full name").fill("Rosa Delgado")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0123")
    page.get_by_label("Current pain or injury").fill("Low back after gardening.")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Street address").fill("418 Avenue G, Redondo Beach")
    page.get_by_label("Postal code").fill("90401")  # Santa Monica's: not the area chosen
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time").click()
    expect(page.get_by_text("90401 is in Santa Monica, not Redondo Beach")).to_be_visible()
    assert page.get_by_label("Street address").input_value() == "418 Avenue G, Redondo Beach"
    page.get_by_label("Postal code").fill("90277")
    page.get_by_label("I accept the cancellation policy").check()
    shoot(page, "home-visit-2-details")
    page.get_by_role("button", name="Hold this time").click()
    page.get_by_role("button", name="(test)").click()
    expect(page.locator("h1")).to_have_text("You are booked")
    expect(page.get_by_text("At your address")).to_be_visible()
    expect(page.get_by_text("418 Avenue G, Redondo Beach, 90277")).to_be_visible()
    shoot(page, "home-visit-3-booked")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A Santa Monica client: 10:00-11:00, the 15-minute buffer and 50 minutes of driving
    # leave nothing before 12:05, so 12:15 on the 15-minute grid.
    second = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    other = second.new_page()
    to_address_step(other, live_server, "90401")
    expect(other.locator(".booking-summary")).to_contain_text("At your address in Santa Monica")
    offered = sunday_times(other)
    shoot(other, "home-visit-4-second-client")
    assert offered[0].startswith("12:15"), offered
    assert not any(t.startswith(("10:", "11:", "12:00")) for t in offered), offered
    second.close()

    # An address outside every area: refused, with the nearest areas named.
    to_address_step(page, live_server, "90210")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("We do not come to postal code 90210")
    expect(alert).to_contain_text("The nearest areas we visit are Santa Monica")
    shoot(page, "home-visit-5-outside")
    with home.app_context():
        booked = db.session.scalars(sa.select(Appointment)).all()
        assert [(a.visit_area.slug, a.status, a.price) for a in booked] == [
            ("redondo-beach", "confirmed", 16500)
        ]
    assert [e for e in page.console_errors if "422" not in e and "400" not in e] == []


def test_the_area_page_books_a_home_visit_straight_in(live_server, page, clinic):
    # The real clock: the page asks for the times from the browser's own today.
    enable_home_visits(clinic)
    page.goto(live_server + "/areas/redondo-beach/neuromuscular-therapy")
    box = page.locator("[data-area=redondo-beach]")
    expect(box.locator("h3")).to_contain_text("Next free times at your home in Redondo Beach")
    first = box.locator(".time-list a").first
    expect(first).to_be_visible()
    shoot(page, "home-visit-6-area-page")
    first.click()
    expect(page.locator("h1")).to_have_text("Your details")
    expect(page.get_by_role("group", name="Where we come to")).to_be_visible()
    expect(page.locator(".booking-summary")).to_contain_text("At your address in Redondo Beach")
    assert page.locator("input[name=from]").input_value() == (
        "area_service:redondo-beach/neuromuscular-therapy"
    )
    assert page.console_errors == []

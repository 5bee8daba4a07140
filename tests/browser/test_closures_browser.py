"""A closure in a real browser: the owner closes a studio for a day, and the public booking
page stops offering that day and names it as closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.test_staff_browser import next_weekday

pytestmark = pytest.mark.browser


def test_a_closure_removes_the_day_from_the_public_booking_page(live_server, page, clinic):
    day = next_weekday(clinic, 2)  # a Wednesday: Dana works at Hermosa Beach
    label = day.strftime("%A, %B %-d")
    page.goto(live_server + "/book/?service=neuromuscular-therapy")
    page.locator(".choice-list a.choice").first.click()  # the first length
    page.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    page.get_by_role("link", name="Dana Okafor").click()
    day_list = page.locator(".day-list")
    expect(day_list.get_by_text(label)).to_be_visible()
    days_url = page.url

    page.goto(live_server + "/staff/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("clinic-demo-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_contain_text("Today")
    page.locator(".staff-nav").get_by_role("link", name="Closures").click()
    expect(page.locator("h1")).to_have_text("Closures")
    page.get_by_label("Where").select_option(label="Saltgrass Hermosa Beach Studio")
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Note for clients (optional)").fill("Floors being redone")
    page.get_by_role("button", name="Add the closure").click()
    expect(page.get_by_text("No bookings fall in that time")).to_be_visible()
    shoot(page, "closures-1-saved")

    page.goto(days_url)
    expect(page.locator(".closures")).to_contain_text(f"{label}, {day.year} (all day)")
    expect(page.locator(".closures")).to_contain_text("Floors being redone")
    expect(day_list.get_by_text(label)).to_have_count(0)
    shoot(page, "closures-2-booking-page")
    assert page.console_errors == []

"""Next free times on an area and service page, in Chromium: the cached page fills them in
live from the availability API, each books straight into the details step with where the
client came from, and a time just taken is gone on the next visit."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.support.booking_helpers import book

pytestmark = pytest.mark.browser

PAGE = "/areas/hermosa-beach/neuromuscular-therapy"
STUDIO = "hermosa-beach-studio"


def shown(page) -> list[dict[str, str]]:
    links = page.locator(".next-times .time-list a")
    expect(links.first).to_be_visible()
    return [
        {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        for href in links.evaluate_all("links => links.map(a => a.href)")
    ]


def test_the_page_shows_live_times_that_book_straight_in(live_server, page, clinic):
    page.goto(live_server + PAGE)
    times = shown(page)
    assert 1 <= len(times) <= 6
    assert {t["location"] for t in times} == {STUDIO}
    assert {t["from"] for t in times} == {"area_service:hermosa-beach/neuromuscular-therapy"}
    starts = [t["start"] for t in times]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    shoot(page, "next-times-1-area-service")

    taken = times[0]
    client = clinic.test_client()
    response = book(
        client,
        "neuromuscular-therapy",
        taken["option"],
        STUDIO,
        taken["therapist"],
        taken["start"],
        email="first@example.com",
    )
    assert response.status_code == 303  # held: the time is no longer free

    page.reload()
    again = shown(page)
    assert (taken["therapist"], taken["start"]) not in {(t["therapist"], t["start"]) for t in again}

    page.locator(".next-times .time-list a").first.click()
    expect(page.locator("h1")).to_have_text("Your details")
    hidden = page.locator("input[name=from]")
    expect(hidden).to_have_value("area_service:hermosa-beach/neuromuscular-therapy")
    assert page.console_errors == []


def test_without_script_the_section_links_to_the_booking_steps(live_server, browser, clinic):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + PAGE)
    link = page.locator(".next-times").get_by_role("link", name="See every free time")
    expect(link).to_be_visible()
    expect(page.locator(".next-times .time-list")).to_be_hidden()
    link.click()
    expect(page.locator("h1")).to_contain_text("Book Neuromuscular Therapy")
    context.close()


def test_an_area_page_shows_the_first_service_s_next_times(live_server, page, clinic):
    page.goto(live_server + "/areas/hermosa-beach")
    expect(page.locator(".next-times h3")).to_contain_text("for Neuromuscular Therapy")
    times = shown(page)
    assert {t["from"] for t in times} == {"area:hermosa-beach"}
    assert {t["service"] for t in times} == {"neuromuscular-therapy"}
    assert page.console_errors == []

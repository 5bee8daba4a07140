"""A returning client, in Chromium: asks for a sign-in link, opens it from the email the
outbox delivered, signs in, and books the same visit again with the service, length,
studio and therapist already chosen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.support.booking_helpers import MONDAY_8AM, FrozenClock
from tests.support.mail_helpers import deliver, plain
from tests.support.my_helpers import LINK, add_booking

pytestmark = pytest.mark.browser

LAST_OCTOBER = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)  # 9:00 AM PDT


def test_a_returning_client_signs_in_by_link_and_books_again(
    live_server, page, clinic, monkeypatch, tmp_path
):
    FrozenClock(MONDAY_8AM).install(monkeypatch)
    add_booking(
        clinic,
        "noor@example.com",
        LAST_OCTOBER,
        status="completed",
        service="trigger-point-therapy",
        minutes=45,
        therapist="lena-marchetti",
        name="Noor Haddad",
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + "/")
    page.get_by_role("link", name="Manage my bookings").click()
    page.get_by_label("The email address you booked with").fill("Noor@example.com")
    shoot(page, "my-1-sign-in")
    page.get_by_role("button", name="Email me a sign-in link").click()
    assert "If we have bookings for that address, a link is on its way" in page.inner_text("main")

    [message] = deliver(clinic, tmp_path)
    assert message["To"] == "noor@example.com"
    link = LINK.search(plain(message)).group(0)
    page.goto(link)
    shoot(page, "my-2-link")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("h1")).to_have_text("My bookings")
    past = page.locator(".my-booking")
    assert "Tuesday, October 20, 2026 at 9:00 AM PDT" in past.inner_text()
    shoot(page, "my-3-bookings")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    past.get_by_role("link", name="Book again").click()

    expect(page.locator("h1")).to_have_text("Book Trigger Point Therapy")
    summary = page.locator(".booking-summary").inner_text()
    for chosen in ("45 min", "Saltgrass Hermosa Beach Studio", "Lena Marchetti"):
        assert chosen in summary
    # Straight to the days Lena has free for it.
    page.locator(".day-list a").first.click()
    # count() does not wait: under load the next page may still be loading (CI once read 0)
    expect(page.locator("#times")).to_contain_text("Choose a time on")
    expect(page.locator(".time-list a").first).to_be_visible()
    shoot(page, "my-4-book-again")
    assert page.console_errors == []

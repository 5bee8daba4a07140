"""A client buys a package of sessions in Chromium and books with it: pays on the Stripe
stand-in's hosted page (another origin), the signed webhook activates the package, the
email's link signs them in on /my/, and a session pays for a booking, confirmed at once,
with one session fewer left."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import shoot
from tests.rehearsal.standin import StripeStandIn
from tests.support.booking_helpers import stripe_app
from tests.support.mail_helpers import deliver, plain
from tests.support.my_helpers import LINK
from tests.support.package_helpers import make_package

pytestmark = pytest.mark.browser


@pytest.fixture
def stripe_site(migrated) -> Iterator[tuple[str, object, StripeStandIn]]:
    """The test clinic on the real Stripe SDK, served over HTTP, with the stand-in's API,
    hosted checkout page (its own origin) and webhooks."""
    with StripeStandIn() as standin:
        with stripe_app(
            migrated, standin.url, STRIPE_CHECKOUT_ORIGIN=standin.checkout_origin
        ) as app:
            server = make_server("127.0.0.1", 0, app, threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            url = f"http://127.0.0.1:{server.server_port}"
            app.config["SITE_URL"] = url
            standin.site_url = url
            try:
                yield url, app, standin
            finally:
                standin.wait_idle(timeout=15)
                server.shutdown()
                thread.join(timeout=5)


def test_buy_a_package_then_book_a_session_with_it(stripe_site, page, tmp_path):
    url, app, standin = stripe_site
    make_package(app, name="Five 60-minute sessions", price=60000)
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(url + "/packages/")
    assert "You save $100" in page.locator("main").inner_text()
    shoot(page, "packages-1-list-360")
    page.get_by_role("link", name="Buy this package").click()
    page.get_by_label("Full name").fill("Pia Package")
    page.get_by_label("Email").fill("pia@example.com")
    page.get_by_role("button", name="Pay $600").click()

    page.wait_for_url(standin.checkout_origin + "/c/pay/**", timeout=10_000)
    assert "600.00 USD" in page.locator("main").inner_text()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    page.wait_for_url(url + "/packages/bought/**")
    page.locator("h1", has_text="Your package is ready").wait_for(timeout=25_000)
    shoot(page, "packages-2-bought-360")

    standin.wait_idle()
    [mail] = [m for m in deliver(app, tmp_path) if "Your package" in m["Subject"]]
    link = LINK.search(plain(mail)).group(1)
    page.goto(url + link)
    page.get_by_role("button", name="Sign in").click()
    panel = page.locator(".my-package")
    assert "5 of 5 sessions left" in panel.inner_text()
    shoot(page, "packages-3-my-360")

    panel.get_by_role("link", name="Book a session").click()
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()

    offer = page.get_by_label("Use a session of your package (5 left)")
    assert offer.is_checked()
    page.get_by_label("Full name").fill("Pia Package")
    page.get_by_label("Email").fill("pia@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0142")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    shoot(page, "packages-4-details-360")
    page.get_by_role("button", name="Book this time").click()

    expect(page.locator("h1")).to_have_text("You are booked")
    assert "Paid with a package session" in page.locator("main").inner_text()
    assert page.url.startswith(url + "/booking/")  # no checkout on the way
    shoot(page, "packages-5-booked-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(url + "/my/")
    assert "4 of 5 sessions left" in page.locator(".my-package").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "/packages/")
    shoot(page, "packages-6-list-1280")
    assert page.console_errors == []

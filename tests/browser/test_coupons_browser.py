"""A client books with a coupon in Chromium: types the code on the details step, presses
Apply and sees the discount, holds the time and sees the discounted deposit on the Stripe
stand-in's hosted page (another origin), pays; the webhook confirms and the manage page
shows the price with the coupon."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from clinicsite.extensions import db
from clinicsite.models import Appointment, Coupon, CouponUse
from tests.browser.conftest import shoot
from tests.rehearsal.standin import StripeStandIn
from tests.support.booking_helpers import stripe_app

pytestmark = pytest.mark.browser


@pytest.fixture
def standin() -> Iterator[StripeStandIn]:
    with StripeStandIn() as running:
        yield running


@pytest.fixture
def shop(migrated, standin) -> Iterator[tuple[object, str]]:
    """The test clinic on Stripe (the stand-in), served live, with 90% off for SPRING."""
    settings = {"STRIPE_CHECKOUT_ORIGIN": standin.checkout_origin}
    with stripe_app(migrated, standin.url, **settings) as app:
        with app.app_context():
            db.session.add(Coupon(code="SPRING", kind="percent", value=90))
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["SITE_URL"] = standin.site_url = url
        try:
            yield app, url
        finally:
            standin.wait_idle()
            server.shutdown()
            thread.join(timeout=5)


def test_client_books_with_a_coupon_and_pays_the_discounted_deposit(browser, shop, standin):
    app, url = shop
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/book/")
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Neuromuscular Therapy").first.click()
    choices.get_by_role("link", name="1 h", exact=False).first.click()
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()

    expect(page.locator("h1")).to_have_text("Your details")
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0177")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Coupon code").fill("nosuch")
    page.get_by_role("button", name="Apply").click()
    assert "We do not know the code NOSUCH" in page.locator(".coupon").inner_text()
    assert page.get_by_label("Full name").input_value() == "Noor Haddad"

    page.get_by_label("Coupon code").fill("spring")
    page.get_by_role("button", name="Apply").click()
    applied = page.locator("#coupon-applied").inner_text()
    # $140 less 90% ($126) is $14: the $35 deposit becomes $14.
    assert "Price $140, coupon SPRING −$126: you pay $14" in applied
    shoot(page, "coupons-1-applied")
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time and pay the $14 deposit").click()

    assert page.url.startswith(standin.checkout_origin)
    assert "14.00 USD" in page.locator(".amount").inner_text()
    shoot(page, "coupons-2-stripe")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{url}/booking/**")
    for _ in range(100):  # the manage page refreshes itself until the webhook has come
        if page.locator("h1").inner_text() == "You are booked":
            break
        time.sleep(0.1)
        page.reload()
    expect(page.locator("h1")).to_have_text("You are booked")
    assert "$140, coupon SPRING −$126: $14" in page.locator("aside").inner_text()
    shoot(page, "coupons-3-confirmed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment))
        assert booked.status == "confirmed"
        assert (booked.price, booked.coupon_discount, booked.deposit) == (14000, 12600, 1400)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CouponUse)) == 1
    assert errors == []

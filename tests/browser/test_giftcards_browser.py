"""A gift card end to end in Chromium: bought on the gift card page, paid on the Stripe
stand-in's hosted page (another origin), issued by the signed webhook; the code read from
the delivered email as a mail client would; then a booking whose deposit the card pays,
confirmed with no checkout at all."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from clinicsite.extensions import db
from clinicsite.models import Appointment, GiftCard
from tests.browser.conftest import shoot
from tests.rehearsal.standin import StripeStandIn
from tests.support.booking_helpers import stripe_app
from tests.support.mail_helpers import deliver, plain

pytestmark = pytest.mark.browser


@pytest.fixture
def standin() -> Iterator[StripeStandIn]:
    with StripeStandIn() as running:
        yield running


@pytest.fixture
def shop(migrated, standin) -> Iterator[tuple[object, str]]:
    settings = {"STRIPE_CHECKOUT_ORIGIN": standin.checkout_origin}
    with stripe_app(migrated, standin.url, **settings) as app:
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


def test_buy_a_gift_card_then_pay_a_deposit_with_it(browser, shop, standin, tmp_path):
    app, url = shop
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(url + "/")
    page.get_by_role("link", name="Gift cards").click()
    expect(page.locator("h1")).to_have_text("Gift cards")
    page.get_by_label("$100").check()
    page.get_by_label("Your name").fill("Bea Lund")
    page.get_by_label("Your email").fill("bea@example.com")
    page.get_by_label("A message (optional)").fill("Enjoy the massage!")
    shoot(page, "giftcards-1-buy")
    page.get_by_role("button", name="Pay and send the card").click()

    assert page.url.startswith(standin.checkout_origin)  # Stripe's hosted page
    assert "100.00 USD" in page.locator(".amount").inner_text()
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{url}/gift-cards/order/**")
    for _ in range(100):  # the webhook issues the card; the order page says so
        if "is issued" in page.locator("main").inner_text():
            break
        time.sleep(0.1)
        page.reload()
    assert "$100 gift card is issued" in page.locator("main").inner_text()
    shoot(page, "giftcards-2-issued")

    standin.wait_idle()
    (message,) = [m for m in deliver(app, tmp_path) if m["To"] == "bea@example.com"]
    assert "gift card" in message["Subject"]
    code = re.search(r"Gift card code: ([A-Z0-9-]+)", plain(message)).group(1)
    card_link = re.search(r"(http://\S+/gift-cards/\S+)", plain(message)).group(1)
    page.goto(card_link)
    assert code in page.locator(".gift-card").inner_text()
    shoot(page, "giftcards-3-card")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(url + "/book/")
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Neuromuscular Therapy").first.click()
    choices.get_by_role("link", name="1 h", exact=False).first.click()
    if page.get_by_role("button", name="Continue").count():
        page.get_by_role("button", name="Continue").click()
    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()
    page.get_by_label("Full name").fill("Cy Moreno")
    page.get_by_label("Email").fill("cy@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0178")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Gift card code").fill(code.lower().replace("-", " "))
    page.get_by_label("I accept the cancellation policy").check()
    shoot(page, "giftcards-4-details")
    page.get_by_role("button", name="Hold this time").click()

    page.wait_for_url(f"{url}/booking/**")  # no checkout: straight to the booking
    expect(page.locator("h1")).to_have_text("You are booked")
    assert "by gift card" in page.locator("main").inner_text()
    shoot(page, "giftcards-5-booked")
    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment))
        assert booked.status == "confirmed"
        assert [(p.provider, p.status) for p in booked.payments] == [("gift_card", "paid")]
        card = db.session.scalar(sa.select(GiftCard))
        assert card.balance == 10_000 - booked.deposit
    assert errors == []

"""A client books a visit with an add-on in Chromium, without JavaScript tricks: ticks the
extra after the length, sees the longer visit and the total price, pays the deposit on the
Stripe stand-in's hosted page (another origin), and the webhook confirms a 90-minute visit
priced with its extra."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from clinicsite.extensions import db
from clinicsite.models import AddOn, Appointment, OutboxEmail, Service
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
    """The test clinic on Stripe (the stand-in), served live, with hot stones on offer."""
    settings = {"STRIPE_CHECKOUT_ORIGIN": standin.checkout_origin}
    with stripe_app(migrated, standin.url, **settings) as app:
        with app.app_context():
            service = db.session.scalar(sa.select(Service).filter_by(slug="neuromuscular-therapy"))
            db.session.add(
                AddOn(
                    service=service,
                    name="Hot stones",
                    description="Warm stones along the back.",
                    extra_minutes=30,
                    price=2500,
                )
            )
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


def test_client_books_a_visit_with_an_add_on_and_pays_on_stripe(browser, shop, standin):
    app, url = shop
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/book/")
    choices = page.locator(".choice-list")
    choices.get_by_role("link", name="Neuromuscular Therapy").first.click()
    choices.get_by_role("link", name="1 h", exact=False).first.click()

    assert "Add extras" in page.locator("h2#extras").inner_text()
    page.get_by_label("Hot stones").check()
    shoot(page, "addons-1-extras")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".booking-summary").inner_text()
    assert "Hot stones" in summary and "1 h 30 min" in summary and "$165" in summary

    choices.get_by_role("link", name="Saltgrass Hermosa Beach Studio").click()
    choices.get_by_role("link", name="Any available therapist").click()
    page.locator(".day-list a").first.click()
    page.locator(".time-list a").first.click()

    expect(page.locator("h1")).to_have_text("Your details")
    assert "$165" in page.locator(".booking-summary").inner_text()
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email").fill("noor@example.com")
    page.get_by_label("Mobile phone").fill("310 555 0177")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I accept the cancellation policy").check()
    page.get_by_role("button", name="Hold this time").click()

    # Stripe's hosted page, on its own origin: the deposit only, the extra is paid later.
    assert page.url.startswith(standin.checkout_origin)
    assert "35.00 USD" in page.locator(".amount").inner_text()
    shoot(page, "addons-2-stripe")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{url}/booking/**")
    for _ in range(100):  # the manage page refreshes itself until the webhook has come
        if page.locator("h1").inner_text() == "You are booked":
            break
        time.sleep(0.1)
        page.reload()
    expect(page.locator("h1")).to_have_text("You are booked")
    assert "Hot stones" in page.locator("aside").inner_text()
    shoot(page, "addons-3-confirmed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment))
        assert booked.status == "confirmed"
        assert booked.ends_at - booked.starts_at == timedelta(minutes=90)
        assert (booked.price, booked.deposit) == (16500, 3500)
        assert [a.name for a in booked.add_ons] == ["Hot stones"]
        confirmation = db.session.scalar(
            sa.select(OutboxEmail).where(OutboxEmail.subject.startswith("Booked:"))
        )
        assert "Hot stones, +30 minutes" in confirmation.body_text
    assert errors == []

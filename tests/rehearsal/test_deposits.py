"""Money paths in Chromium against the production-like site: deposits paid on the stand-in's
hosted checkout (another origin), late payments, cancellations, moves, phone bookings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.rehearsal.conftest import shoot
from tests.rehearsal.flows import (
    appointment_of,
    at_checkout,
    book_online,
    expect_booked,
    pay_on_checkout,
)
from tests.rehearsal.standin import WebhookPlan

pytestmark = pytest.mark.rehearsal


def test_deposit_paid_on_the_hosted_checkout(site, page):
    # Stripe's ways: late, refused once (a retry follows), then delivered twice.
    site.stripe.plan = WebhookPlan(delay=1.0, failures=1, duplicates=1)
    email = "noor.pays@example.com"
    book_online(page, site, "Noor Haddad", email, shots="pay")
    at_checkout(page, site)  # the 303 to another origin went through
    shoot(page, "pay-3-checkout")
    pay_on_checkout(page, site)
    expect_booked(page)
    expect(page.locator(".lead")).to_contain_text("your deposit is paid")
    shoot(page, "pay-4-confirmed")

    site.stripe.wait_idle()
    appointment = appointment_of(site, email)
    [payment] = appointment.payments
    assert appointment.status == "confirmed" and appointment.hold_expires_at is None
    assert (payment.status, payment.amount, payment.currency) == ("paid", 3500, "USD")
    assert payment.payment_intent_id in site.stripe.payment_intents
    completed = [
        (d.attempt, d.status, d.answer.get("outcome") or d.answer.get("duplicate"))
        for d in site.stripe.deliveries_for(payment.checkout_session_id)
        if d.type == "checkout.session.completed"
    ]
    assert completed == [(1, 400, None), (2, 200, "confirmed"), (3, 200, True)]

    mail = site.mail(email, "Booked: Neuromuscular Therapy")
    ics = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(ics) == 1
    assert page.console_errors == [], page.failed_responses

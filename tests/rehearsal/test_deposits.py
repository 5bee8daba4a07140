"""Money paths in Chromium against the production-like site: deposits paid on the stand-in's
hosted checkout (another origin), late payments, cancellations, moves, phone bookings."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from clinicsite.models import Appointment, ClinicSettings
from tests.rehearsal.conftest import shoot
from tests.rehearsal.flows import (
    CLINIC_TZ,
    appointment_of,
    at_checkout,
    book_online,
    expect_booked,
    fill_details,
    follow,
    links_in,
    pay_on_checkout,
    staff_login,
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
    expect(page.locator(".lead")).to_contain_text("your $35 deposit is paid")
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


def test_payment_after_the_hold_lapsed_and_the_time_was_retaken_is_refunded(site, new_page):
    site.stripe.plan = WebhookPlan(delay=0.5, reverse=True)
    late, other = new_page(), new_page(360)
    email = "lee.late@example.com"
    book_online(late, site, "Lee Late", email)
    at_checkout(late, site)
    held = appointment_of(site, email)
    # The client leaves the checkout open past the hold (Stripe's session lives on): the
    # hold lapses, and another client books the same therapist at the same time.
    with site.session() as session, session.begin():
        session.execute(
            sa.update(Appointment)
            .where(Appointment.id == held.id)
            .values(hold_expires_at=sa.func.now() - sa.text("interval '1 minute'"))
        )
    other.goto(
        f"{site.url}/book/details?service={held.service.slug}&option={held.option_id}"
        f"&location={held.location.slug}&therapist={held.therapist.slug}"
        f"&start={quote(held.starts_at.isoformat())}"
    )
    fill_details(other, "Olu Other", "olu.other@example.com")
    other.locator("form.form button[type=submit]:not([name=apply_coupon])").click()
    at_checkout(other, site)
    pay_on_checkout(other, site)
    expect_booked(other)

    shoot(late, "late-1-checkout-left-open")
    pay_on_checkout(late, site)  # too late: the site refunds it when the webhook comes
    expect(late.locator("h1")).to_have_text("Your payment has been refunded", timeout=25_000)
    expect(late.locator(".lead")).to_contain_text("another client had booked it")
    expect(late.locator(".summary")).to_contain_text("$35, paid and refunded in full")
    shoot(late, "late-2-refunded")

    site.stripe.wait_idle()
    lapsed = appointment_of(site, email)
    [payment] = lapsed.payments
    assert lapsed.status == "expired"
    assert (payment.status, payment.amount_refunded) == ("refunded", 3500)
    assert [r.amount for r in payment.refunds] == [3500]
    assert site.stripe.amount_refunded(payment.payment_intent_id) == 3500
    taker = appointment_of(site, "olu.other@example.com")
    assert taker.status == "confirmed" and taker.starts_at == held.starts_at
    mail = site.mail(email, "Your payment arrived after the time was taken")
    assert "refunded the full amount" in mail.get_body(("plain",)).get_content()
    assert late.console_errors == [] and other.console_errors == []


def test_abandoned_checkout_then_paid_from_the_booking_page_or_expired(site, page):
    site.stripe.plan = WebhookPlan(delay=0.3)
    email = "ava.abandons@example.com"
    book_online(page, site, "Ava Abandons", email)
    at_checkout(page, site)
    follow(page, page.get_by_role("link", name="Back to the clinic"))
    expect(page.locator(".lead")).to_contain_text("The payment was not completed")
    shoot(page, "abandon-1-held")
    # "Pay" on the booking page: another form whose answer leads to the other origin.
    page.get_by_role("button", name=re.compile(r"^Pay the \$35(\.00)? deposit$")).click()
    at_checkout(page, site)
    follow(page, page.get_by_role("link", name="Back to the clinic"))

    [payment] = appointment_of(site, email).payments
    site.stripe.expire(payment.checkout_session_id)  # Stripe gives up at expires_at
    site.stripe.wait_idle()
    page.reload()
    expect(page.locator("h1")).to_have_text("This hold has expired")
    shoot(page, "abandon-2-expired")
    appointment = appointment_of(site, email)
    assert appointment.status == "expired"
    assert [p.status for p in appointment.payments] == ["expired"]
    assert [
        d.answer.get("outcome") for d in site.stripe.deliveries_for(payment.checkout_session_id)
    ] == ["expired"]
    assert page.console_errors == []


def pay_deposit(page, site, name: str, email: str, shots: str | None = None) -> Appointment:
    book_online(page, site, name, email)
    at_checkout(page, site)
    pay_on_checkout(page, site)
    expect_booked(page)
    if shots:
        shoot(page, shots)
    return appointment_of(site, email)


def test_cancelled_in_time_the_deposit_is_refunded(site, page):
    email = "cam.cancels@example.com"
    pay_deposit(page, site, "Cam Cancels", email)
    follow(page, page.get_by_role("link", name="Cancel"))
    expect(page.locator(".panel")).to_contain_text("will be refunded in full")
    shoot(page, "cancel-1-in-time")
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.locator(".lead")).to_contain_text(
        re.compile(r"Your deposit of \$35(\.00)? has been refunded")
    )
    shoot(page, "cancel-2-refunded")

    appointment = appointment_of(site, email)
    [payment] = appointment.payments
    assert appointment.status == "cancelled"
    assert (payment.status, [r.amount for r in payment.refunds]) == ("refunded", [3500])
    assert site.stripe.amount_refunded(payment.payment_intent_id) == 3500
    site.mail(email, "Cancelled: Neuromuscular Therapy")
    site.mail(email, "Refund of your $35")
    assert page.console_errors == []


def test_cancelled_late_the_deposit_is_kept(site, page):
    email = "lou.late@example.com"
    pay_deposit(page, site, "Lou Late", email)
    # The policy is data: a window longer than the wait makes this cancellation late.
    with site.session() as session, session.begin():
        window = session.scalar(sa.select(ClinicSettings.cancellation_window_hours))
        session.execute(sa.update(ClinicSettings).values(cancellation_window_hours=24 * 30))
    try:
        page.reload()
        expect(page.locator("main")).to_contain_text("the deposit is kept if you cancel")
        follow(page, page.get_by_role("link", name="Cancel"))
        expect(page.locator(".panel")).to_contain_text("deposit will be kept")
        shoot(page, "cancel-3-late")
        page.get_by_role("button", name="Yes, cancel it").click()
        expect(page.locator(".lead")).to_contain_text("The $35 deposit was kept")
        shoot(page, "cancel-4-kept")
    finally:
        with site.session() as session, session.begin():
            session.execute(sa.update(ClinicSettings).values(cancellation_window_hours=window))

    appointment = appointment_of(site, email)
    [payment] = appointment.payments
    assert appointment.status == "cancelled"
    assert (payment.status, payment.amount_refunded, payment.refunds) == ("paid", 0, [])
    assert site.stripe.amount_refunded(payment.payment_intent_id) == 0
    site.mail(email, "Cancelled: Neuromuscular Therapy")
    assert page.console_errors == []


def test_rescheduled_booking_keeps_its_deposit(site, page):
    email = "ray.moves@example.com"
    before = pay_deposit(page, site, "Ray Moves", email)
    follow(page, page.get_by_role("link", name="Move to another time"))
    follow(page, page.locator(".day-list a").nth(1))
    page.locator("label.time").first.click()
    shoot(page, "move-1-new-time")
    page.get_by_role("button", name="Move my booking").click()
    expect(page.locator(".flash")).to_contain_text("Your booking has moved")
    expect(page.locator("h1")).to_have_text("You are booked")
    shoot(page, "move-2-moved")

    after = appointment_of(site, email)
    assert after.status == "confirmed" and after.starts_at != before.starts_at
    assert after.sequence == before.sequence + 1
    assert [(p.status, p.amount_refunded) for p in after.payments] == [("paid", 0)]
    site.mail(email, "Moved: Neuromuscular Therapy")
    assert page.console_errors == []


def test_phone_booking_paid_from_the_emailed_link(site, new_page):
    # A payment that settles later, its events in the opposite order from Stripe's.
    site.stripe.plan = WebhookPlan(delay=0.5, async_payment=True, reverse=True)
    desk, client = new_page(), new_page(360)
    staff_login(desk, site, site.admin)
    desk.goto(site.url + "/staff/book")
    day = datetime.now(CLINIC_TZ).date() + timedelta(days=4)
    while day.weekday() != 2:  # a Wednesday: Dana works at Hermosa Beach
        day += timedelta(days=1)
    desk.get_by_label("Service and length").select_option(label="Neuromuscular Therapy, 60 min")
    desk.get_by_label("Therapist").select_option(label="Dana Okafor")
    desk.get_by_label("Studio").select_option(label="Saltgrass Hermosa Beach Studio")
    desk.get_by_label("Date").fill(day.isoformat())
    desk.get_by_label("Start time").fill("13:45")
    desk.get_by_label("Client's name").fill("Pat Phone")
    desk.get_by_label("Client's email").fill("pat.phone@example.com")
    desk.get_by_label("Email the client a payment link").check()
    shoot(desk, "phone-1-form")
    desk.get_by_role("button", name="Book", exact=True).click()
    expect(desk.locator(".flash")).to_contain_text("the payment link has been emailed")
    shoot(desk, "phone-2-held")

    mail = site.mail("pat.phone@example.com", "Pay the deposit to confirm")
    [link] = links_in(mail, site.stripe.checkout_origin + "/")
    client.goto(link)
    expect(client.locator("h1")).to_have_text("Test payment")
    shoot(client, "phone-3-checkout")
    pay_on_checkout(client, site)
    expect_booked(client)
    shoot(client, "phone-4-confirmed")

    appointment = appointment_of(site, "pat.phone@example.com")
    assert (appointment.status, appointment.source) == ("confirmed", "phone")
    site.stripe.wait_idle()
    session_id = appointment.payments[0].checkout_session_id
    assert [(d.type, d.answer.get("outcome")) for d in site.stripe.deliveries_for(session_id)] == [
        ("checkout.session.async_payment_succeeded", "confirmed"),
        ("payment_intent.succeeded", None),
        # Read back from Stripe, the session is paid by then: nothing left to do.
        ("checkout.session.completed", "already settled"),
    ]
    assert appointment.starts_at.astimezone(CLINIC_TZ).strftime("%H:%M") == "13:45"
    assert [p.status for p in appointment.payments] == ["paid"]
    site.mail("pat.phone@example.com", "Booked: Neuromuscular Therapy")
    assert desk.console_errors == [] and client.console_errors == []


def test_free_discovery_session_has_no_payment_step(site, page):
    email = "finn.free@example.com"
    book_online(page, site, "Finn Free", email, service="Free Discovery Session", shots="free")
    expect_booked(page)  # straight to the booking page: no checkout
    shoot(page, "free-3-booked")
    appointment = appointment_of(site, email)
    assert (appointment.status, appointment.deposit, appointment.payments) == ("confirmed", 0, [])
    sessions = site.stripe.requests_to("/v1/checkout/sessions")
    assert all(r.params.get("customer_email") != email for r in sessions)
    site.mail(email, "Booked: Free Discovery Session")
    assert page.console_errors == []

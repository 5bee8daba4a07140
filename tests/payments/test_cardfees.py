"""Cards on file and the policy's fees, through the real SDK against the Stripe stub:
booking asks for agreement and saves the card (recorded only by the webhook), staff charge
a no-show fee off-session (succeeded, declined, authentication required), a double click
charges once, refunds never exceed the fee, and garbage is a clear answer, not a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, FeeCharge, FeeConsent
from clinicsite.payments.gateway import OffSessionCharge, SetupRequest
from clinicsite.payments.stripe_gateway import StripeGateway
from tests.support import stripe_fixtures
from tests.support.booking_helpers import hold_to_checkout, outbox, page_html, webhook
from tests.support.staff_helpers import form_token
from tests.support.stripe_stub import WEBHOOK_SECRET

clock, stub, app, client = stripe_fixtures.FIXTURES

NO_SHOW, LATE = 5000, 2500


@pytest.fixture
def fees_on(app):
    with app.app_context():
        clinic = db.session.get(ClinicSettings, 1)
        clinic.cards_on_file, clinic.no_show_fee, clinic.late_cancel_fee = True, NO_SHOW, LATE
        db.session.commit()


def booked_with_card(client, app, stub, card="pm_card_visa"):
    """Book online agreeing to the fees, pay the deposit (saving `card`); the webhook."""
    slot, token, session_id = hold_to_checkout(client, app, stub, fees_agreed="yes")
    paid = stub.complete_session(session_id, card=card)
    response = webhook(client, "checkout.session.completed", paid)
    assert response.status_code == 200
    return token, session_id, paid, response.get_json()["outcome"]


def row(app, token):
    with app.app_context():
        appt = db.session.scalar(sa.select(Appointment).filter_by(token=token))
        client = appt.client
        return {
            "id": appt.id,
            "card": (client.card_brand, client.card_last4, client.card_exp_year),
            "customer": client.stripe_customer_id,
            "method": client.card_payment_method_id,
        }


def mark_no_show(app, token):
    with app.app_context():
        appt = db.session.scalar(sa.select(Appointment).filter_by(token=token))
        appt.status = "no_show"
        db.session.commit()
        return appt.id


def charge_button(client, appt_id):
    html = page_html(client, f"/staff/appointments/{appt_id}")
    match = re.search(r'name="token" value="([^"]+)"', html)
    return html, match.group(1) if match else None


def post_charge(client, appt_id, token, html, kind="no_show"):
    return client.post(
        f"/staff/appointments/{appt_id}/fees",
        data={"csrf_token": form_token(html), "kind": kind, "token": token},
        follow_redirects=True,
    )


def charges(app, appt_id):
    with app.app_context():
        return [
            (c.kind, c.amount, c.status, c.amount_refunded, c.payment_intent_id)
            for c in db.session.scalars(
                sa.select(FeeCharge).filter_by(appointment_id=appt_id).order_by(FeeCharge.id)
            )
        ]


# -- the gateway, against the stub --------------------------------------------------------------


def test_the_deposit_checkout_asks_stripe_to_save_the_card(client, app, stub, fees_on):
    hold_to_checkout(client, app, stub, fees_agreed="yes")
    [create] = stub.requests_to("/v1/checkout/sessions")
    assert create.params["customer_creation"] == "always"
    assert create.params["payment_intent_data"]["setup_future_usage"] == "off_session"
    assert create.idempotency_key.startswith("checkout-")


def test_without_the_setting_the_checkout_saves_nothing(client, app, stub):
    hold_to_checkout(client, app, stub)
    [create] = stub.requests_to("/v1/checkout/sessions")
    assert "customer_creation" not in create.params
    assert "setup_future_usage" not in create.params["payment_intent_data"]


def test_setup_checkout_makes_the_customer_first_once(stub):
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    request = SetupRequest(
        reference="tok123",
        currency="USD",
        customer_email="ana@example.com",
        customer_name="Ana",
        success_url="https://clinic.example/ok",
        cancel_url="https://clinic.example/back",
        expires_at=datetime.fromtimestamp(stub.clock(), UTC) + timedelta(hours=2),
        idempotency_key="card-setup-tok123",
    )
    first = gateway.create_setup_checkout(request)
    again = gateway.create_setup_checkout(request)  # a retry after a lost answer
    assert first == again and len(stub.customers) == 1 and len(stub.sessions) == 1
    [session] = stub.requests_to("/v1/checkout/sessions")[:1]
    assert session.params["mode"] == "setup" and session.params["currency"] == "usd"
    assert session.params["customer"] in stub.customers
    assert "customer_email" not in session.params
    customers = stub.requests_to("/v1/customers")
    assert {r.idempotency_key for r in customers} == {"card-setup-tok123-customer"}
    gateway.close()


def test_off_session_charge_params_and_idempotency(stub):
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    customer = stub._new_customer("a@example.com", "A", {})["id"]
    method = stub._new_card("pm_card_visa", customer)
    request = OffSessionCharge(customer, method, 5000, "USD", "No-show fee", "fee-abc")
    first = gateway.charge_off_session(request)
    second = gateway.charge_off_session(request)
    assert first == second and first.status == "succeeded"
    assert len([p for p in stub.payment_intents.values() if p["customer"] == customer]) == 1
    sent = stub.requests_to("/v1/payment_intents")[0].params
    assert sent["off_session"] == "true" and sent["confirm"] == "true"
    assert sent["payment_method"] == method and sent["amount"] == "5000"
    gateway.close()


@pytest.mark.parametrize(
    ("card", "status", "code"),
    [
        ("pm_card_chargeDeclined", "declined", "generic_decline"),
        ("pm_card_authenticationRequired", "requires_action", "authentication_required"),
    ],
)
def test_card_errors_are_answers_not_exceptions(stub, card, status, code):
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    customer = stub._new_customer("a@example.com", "A", {})["id"]
    method = stub._new_card(card, customer)
    request = OffSessionCharge(customer, method, 5000, "USD", "No-show fee", f"fee-{card}")
    result = gateway.charge_off_session(request)
    assert (result.status, result.code) == (status, code)
    assert stub.payment_intents[result.payment_intent_id]["status"] == "requires_payment_method"
    assert gateway.charge_off_session(request) == result  # replayed: no second attempt
    assert len(stub.payment_intents) == 1
    gateway.close()


# -- booking and the webhook ----------------------------------------------------------------


def test_booking_needs_the_tick_when_cards_are_on(client, app, stub, fees_on):
    from tests.support.booking_helpers import hold_slot

    _, response = hold_slot(client, app)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please tick the box to agree to the fees" in html
    assert "$50" in html and "$25" in html
    assert stub.sessions == {}


def test_the_webhook_saves_the_card_and_the_consent_is_kept(client, app, stub, fees_on):
    token, session_id, paid, outcome = booked_with_card(client, app, stub)
    assert outcome == "confirmed; card saved"
    saved = row(app, token)
    assert saved["card"] == ("visa", "4242", 2034)
    assert saved["customer"] in stub.customers
    with app.app_context():
        consent = db.session.scalar(sa.select(FeeConsent))
        assert (consent.no_show_fee, consent.late_cancel_fee) == (NO_SHOW, LATE)
        assert "no-show fee of $50" in consent.words and "$25" in consent.words
    # The same event again, and a later one for the same session: nothing changes.
    again = webhook(client, "checkout.session.completed", paid)
    late = webhook(client, "checkout.session.async_payment_succeeded", paid)
    assert late.get_json()["outcome"] == "already settled; card already saved"
    assert again.status_code == 200 and row(app, token) == saved


def test_a_redirect_alone_saves_no_card(client, app, stub, fees_on):
    _, token, session_id = hold_to_checkout(client, app, stub, fees_agreed="yes")
    stub.complete_session(session_id)
    client.get(f"/booking/{token}?paid=1")
    assert row(app, token)["method"] is None


def test_an_expired_event_for_a_paid_session_still_saves_the_card(client, app, stub, fees_on):
    _, token, session_id = hold_to_checkout(client, app, stub, fees_agreed="yes")
    as_expired = {**stub.session(session_id), "status": "expired"}
    stub.complete_session(session_id)
    assert webhook(client, "checkout.session.expired", as_expired).status_code == 200
    assert row(app, token)["card"][1] == "4242"


# -- charging the fee -------------------------------------------------------------------------


def test_staff_charge_the_no_show_fee_once_and_the_client_gets_a_receipt(
    client, app, stub, fees_on, login_as
):
    token, *_ = booked_with_card(client, app, stub)
    appt_id = mark_no_show(app, token)
    login_as("admin")
    html, fee_token = charge_button(client, appt_id)
    assert "Charge the no-show fee ($50)" in html
    page = post_charge(client, appt_id, fee_token, html)
    text = page.get_data(as_text=True)
    assert "Charged the no-show fee of $50 to Visa ending 4242" in text
    post_charge(client, appt_id, fee_token, html)  # the double click
    [(kind, amount, status, _, pi)] = charges(app, appt_id)
    assert (kind, amount, status) == ("no_show", 5000, "succeeded")
    assert stub.payment_intents[pi]["amount_received"] == 5000
    assert len(stub.requests_to("/v1/payment_intents")) == 1
    [receipt] = [m for m in outbox(app) if m["subject"].startswith("Receipt: no-show fee")]
    assert "Amount charged: $50" in receipt["text"]
    # A fresh button after success offers nothing more to charge.
    html, again = charge_button(client, appt_id)
    assert "Charge the no-show fee" not in html and "already been charged" in html
    # The client's page shows the card and the fee too.
    with app.app_context():
        client_id = db.session.get(Appointment, appt_id).client_id
    page = page_html(client, f"/staff/clients/{client_id}")
    assert "Visa ending 4242, expires 12/2034" in page
    assert "No-show fee</td><td>$50</td><td>succeeded" in page


@pytest.mark.parametrize(
    ("card", "words", "status"),
    [
        ("pm_card_chargeDeclined", "the card was declined", "declined"),
        ("pm_card_authenticationRequired", "wants the client to confirm", "requires_action"),
    ],
)
def test_a_declined_or_authentication_fee_is_shown_and_not_charged(
    client, app, stub, fees_on, login_as, card, words, status
):
    token, *_ = booked_with_card(client, app, stub, card=card)
    appt_id = mark_no_show(app, token)
    login_as("admin")
    html, fee_token = charge_button(client, appt_id)
    text = post_charge(client, appt_id, fee_token, html).get_data(as_text=True)
    assert words in text
    assert [c[2] for c in charges(app, appt_id)] == [status]
    assert not [m for m in outbox(app) if m["subject"].startswith("Receipt: no-show")]


def test_refunds_never_exceed_the_fee(client, app, stub, fees_on, login_as):
    token, *_ = booked_with_card(client, app, stub)
    appt_id = mark_no_show(app, token)
    login_as("admin")
    html, fee_token = charge_button(client, appt_id)
    post_charge(client, appt_id, fee_token, html)
    with app.app_context():
        charge_id = db.session.scalar(sa.select(FeeCharge.id))

    def refund(amount):
        page = page_html(client, f"/staff/appointments/{appt_id}")
        return client.post(
            f"/staff/fee-charges/{charge_id}/refund",
            data={"csrf_token": form_token(page), "amount": amount, "reason": "goodwill"},
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "more than the $50 left" in refund("60")
    assert "Refunded $30 of the fee" in refund("30")
    assert "more than the $20 left" in refund("25")
    assert "The amount can&#39;t be negative." in refund("-5")
    assert "Please enter an amount like 25" in refund("1e9")
    assert "Refunded $20 of the fee" in refund("20")
    assert charges(app, appt_id)[0][3] == 5000
    assert stub.amount_refunded(charges(app, appt_id)[0][4]) == 5000


def test_no_fee_without_a_no_show_or_consent(client, app, stub, fees_on, login_as):
    token, *_ = booked_with_card(client, app, stub)
    with app.app_context():
        appt_id = db.session.scalar(sa.select(Appointment.id).filter_by(token=token))
    login_as("admin")
    html = page_html(client, f"/staff/appointments/{appt_id}")
    assert "Charge the" not in html
    response = post_charge(client, appt_id, "sometoken", html)
    assert "A no-show fee is for an appointment marked no-show." in response.get_data(as_text=True)
    assert charges(app, appt_id) == []


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "robbery", "token": "x"},
        {"kind": "no_show", "token": "x" * 65},
        {"kind": "no_show", "token": ""},
        {"kind": "no_show\x00", "token": "t"},
    ],
)
def test_garbage_charges_are_refused_in_words(client, app, stub, fees_on, login_as, data):
    token, *_ = booked_with_card(client, app, stub)
    appt_id = mark_no_show(app, token)
    login_as("admin")
    html = page_html(client, f"/staff/appointments/{appt_id}")
    response = client.post(
        f"/staff/appointments/{appt_id}/fees",
        data={"csrf_token": form_token(html), **data},
        follow_redirects=True,
    )
    if "\x00" in data["kind"]:
        assert response.status_code == 400  # the site refuses NUL bytes before any view
    else:
        assert response.status_code == 200
        assert "The form has expired" in response.get_data(as_text=True)
    assert charges(app, appt_id) == []


def test_editors_cannot_charge_and_therapists_cannot_refund(client, app, stub, fees_on, login_as):
    token, *_ = booked_with_card(client, app, stub)
    appt_id = mark_no_show(app, token)
    login_as("editor")
    csrf = {"csrf_token": form_token(page_html(client, "/staff/newsletter"))}
    assert client.post(f"/staff/appointments/{appt_id}/fees", data=csrf).status_code == 403
    assert client.post("/staff/fee-charges/1/refund", data=csrf).status_code == 403
    client.post("/staff/logout", data=csrf)
    login_as("therapist")
    csrf = {"csrf_token": form_token(page_html(client, "/staff/"))}
    assert client.post("/staff/fee-charges/1/refund", data=csrf).status_code == 403


# -- phone bookings: the link that saves a card (setup mode) ------------------------------------


def test_a_phone_booking_gets_a_link_that_saves_the_card(client, app, stub, fees_on, login_as):
    from tests.support.payment_helpers import make_visit

    visit = datetime.fromtimestamp(stub.clock(), UTC).replace(minute=0, second=0) + timedelta(
        days=3
    )
    appt_id = make_visit(app, visit)  # confirmed, deposit waived, as booked by phone
    login_as("admin")
    html = page_html(client, f"/staff/appointments/{appt_id}")
    response = client.post(
        f"/staff/appointments/{appt_id}/card-link",
        data={"csrf_token": form_token(html)},
        follow_redirects=True,
    )
    assert "the link to save a card" in response.get_data(as_text=True)
    [mail] = [m for m in outbox(app) if m["subject"].startswith("Keep a card on file")]
    assert "no-show fee of $50" in mail["text"]
    link = re.search(r"https?://\S+/book/card/\S+", mail["text"]).group(0)
    path = "/" + link.split("/", 3)[3]

    page = page_html(client, path)
    assert "$50" in page and "$25" in page
    unticked = client.post(path, data={"csrf_token": form_token(page)})
    assert unticked.status_code == 422 and stub.sessions == {}
    agreed = client.post(path, data={"csrf_token": form_token(page), "fees_agreed": "yes"})
    assert agreed.status_code == 303
    [session_id] = stub.sessions
    assert stub.sessions[session_id]["mode"] == "setup"
    assert agreed.headers["Location"] == stub.sessions[session_id]["url"]
    assert row(app, _token(app, appt_id))["method"] is None  # not yet

    done = stub.complete_session(session_id, card="pm_card_visa")
    first = webhook(client, "checkout.session.completed", done)
    assert first.get_json()["outcome"] == "card saved"
    assert webhook(client, "checkout.session.completed", done).get_json()["outcome"] == (
        "card already saved"
    )
    saved = row(app, _token(app, appt_id))
    assert saved["card"] == ("visa", "4242", 2034) and saved["customer"] in stub.customers
    with app.app_context():
        assert db.session.scalar(sa.select(FeeConsent.via)) == "link"


def test_an_unknown_card_link_is_not_found(client):
    assert client.get("/book/card/nope").status_code == 404
    assert client.get("/book/card/" + "x" * 300).status_code == 404


def _token(app, appt_id):
    with app.app_context():
        return db.session.get(Appointment, appt_id).token


def test_a_deposit_paid_by_gift_card_still_saves_the_card_on_a_setup_page(
    client, app, stub, fees_on
):
    """No card checkout took the deposit, so the clinic keeping cards on file sends the client
    on to a setup-mode checkout, as for a booking with no deposit."""
    from clinicsite import clock as app_clock
    from clinicsite.audit import SYSTEM
    from clinicsite.giftcards import ledger
    from tests.support.booking_helpers import hold_slot

    with app.app_context():
        now = app_clock.now()
        code = ledger.issue(10_000, "USD", SYSTEM, now, now.date(), 0).code
        db.session.commit()
    _, response = hold_slot(client, app, gift_card_code=code, fees_agreed="yes")
    assert response.status_code == 303
    [setup] = [s for s in stub.sessions.values() if s["mode"] == "setup"]
    assert response.headers["Location"] == setup["url"]
    assert not [s for s in stub.sessions.values() if s["mode"] == "payment"]

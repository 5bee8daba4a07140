"""The ledger of money taken through Stripe and `flask payments reconcile`, through the real
SDK against the Stripe stub: a clean ledger exits 0 with its totals; a refund made in Stripe
behind our back, a payment we recorded that Stripe does not hold, or a wrong amount is named
in words and exits 1."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Payment
from clinicsite.payments import fulfilment, get_gateway
from clinicsite.payments.gateway import PaymentError
from clinicsite.payments.ledger import ledger
from clinicsite.payments.stripe_gateway import StripeGateway
from tests.support import stripe_fixtures
from tests.support.booking_helpers import appointment, confirmed_booking
from tests.support.stripe_stub import WEBHOOK_SECRET

clock, stub, app, client = stripe_fixtures.FIXTURES

DEPOSIT = 3500  # the fixture clinic's deposit for 60 minutes of neuromuscular therapy


def reconcile(app, *args):
    return app.test_cli_runner().invoke(args=["payments", "reconcile", *args])


def intent_of(paid: dict) -> str:
    return paid["payment_intent"]


def staff_refund(app, intent: str, amount: int) -> None:
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment).filter_by(payment_intent_id=intent))
        fulfilment.refund(payment, amount, "staff refund", get_gateway())
        db.session.commit()


def test_the_gateway_reads_what_stripe_received_and_refunded(stub, client, app):
    _, _, paid = confirmed_booking(client, app, stub)
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    gateway.refund(intent_of(paid), 1000, idempotency_key="refund-test-1")
    state = gateway.retrieve_payment(intent_of(paid))
    assert (state.status, state.amount_received, state.amount_refunded) == (
        "succeeded",
        DEPOSIT,
        1000,
    )
    assert state.currency == "USD"
    [read] = stub.requests_to(f"/v1/payment_intents/{intent_of(paid)}", "GET")
    assert read.params["expand"] == ["latest_charge"]
    with pytest.raises(PaymentError, match="pi_nothing"):
        gateway.retrieve_payment("pi_nothing")
    gateway.close()


def test_an_empty_ledger_adds_up(app):
    result = reconcile(app)
    assert result.exit_code == 0, result.output
    assert "0 payments through the provider" in result.output
    assert "agrees with the provider" in result.output


def test_a_clean_ledger_prints_its_totals_and_exits_0(client, app, stub):
    _, _, first = confirmed_booking(client, app, stub)
    confirmed_booking(client, app, stub)
    staff_refund(app, intent_of(first), 1500)

    with app.app_context():
        [line, _] = ledger()
        assert (line.taken, line.refunded, line.held) == (DEPOSIT, 1500, DEPOSIT - 1500)
        assert line.purpose.startswith("deposit of appointment ")

    result = reconcile(app)
    assert result.exit_code == 0, result.output
    assert "2 payments through the provider (all time)" in result.output
    assert "recorded: taken $70, refunded $15, held $55" in result.output
    assert "provider: taken $70, refunded $15, held $55" in result.output
    assert "MISMATCH" not in result.output


def test_a_refund_made_in_stripe_behind_our_back_is_reported(client, app, stub):
    _, token, paid = confirmed_booking(client, app, stub)
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    gateway.refund(intent_of(paid), 2000, idempotency_key="dashboard-refund")
    gateway.close()

    result = reconcile(app)
    assert result.exit_code == 1
    appt_id = appointment(app, token)["id"]
    assert (
        f"MISMATCH {intent_of(paid)} (deposit of appointment {appt_id}): we recorded nothing "
        "refunded, the provider refunded $20" in result.output
    )
    assert "1 mismatch(es)" in result.output


def test_a_payment_stripe_does_not_hold_is_reported(client, app, stub):
    _, _, paid = confirmed_booking(client, app, stub)
    del stub.payment_intents[intent_of(paid)]

    result = reconcile(app)
    assert result.exit_code == 1
    assert f"MISMATCH {intent_of(paid)}" in result.output
    assert "the provider could not show it" in result.output
    assert "No such payment_intent" in result.output


def test_a_recorded_amount_stripe_did_not_take_is_reported(client, app, stub):
    _, _, paid = confirmed_booking(client, app, stub)
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment).filter_by(payment_intent_id=intent_of(paid)))
        payment.amount = DEPOSIT + 100
        db.session.commit()

    result = reconcile(app)
    assert result.exit_code == 1
    assert "we recorded $36 taken, the provider received $35" in result.output


def test_days_keeps_only_recent_payments(client, app, stub, clock):
    _, _, old = confirmed_booking(client, app, stub)
    _, _, new = confirmed_booking(client, app, stub)
    with app.app_context():  # the first was paid ten days ago, the second now
        for paid, days in ((old, 10), (new, 0)):
            payment = db.session.scalar(
                sa.select(Payment).filter_by(payment_intent_id=intent_of(paid))
            )
            payment.created_at = clock() - timedelta(days=days)
        db.session.commit()
    del stub.payment_intents[intent_of(old)]  # a mismatch, but outside the window

    recent = reconcile(app, "--days", "3")
    assert recent.exit_code == 0, recent.output
    assert "1 payments through the provider (the last 3 days)" in recent.output
    assert reconcile(app, "--days", "30").exit_code == 1


@pytest.mark.parametrize("days", ["0", "-2", "soon", ""])
def test_garbage_days_is_a_usage_error(app, days):
    result = reconcile(app, "--days", days)
    assert result.exit_code == 2
    assert "Invalid value for '--days'" in result.output


# -- the same check on the staff page ----------------------------------------------------------


def intent_reads(stub) -> int:
    return sum(
        1 for r in stub.requests if r.method == "GET" and r.path.startswith("/v1/payment_intents/")
    )


def check_on_page(client, period="all"):
    from tests.support.booking_helpers import post_form

    return post_form(client, "/staff/payments/reconcile", period=period)


def test_the_staff_page_shows_a_clean_ledger_and_its_totals(client, app, stub, login_as):
    from tests.support.booking_helpers import page_html, text_of

    confirmed_booking(client, app, stub)
    login_as("admin")
    assert "Check now" in page_html(client, "/staff/payments/reconcile")
    assert intent_reads(stub) == 0  # showing the page asks the provider nothing
    response = check_on_page(client)
    assert response.status_code == 200
    assert intent_reads(stub) == 1
    page = text_of(response.get_data(as_text=True))
    assert "Everything agrees: 1 payment checked." in page
    assert "USD $35 $0 $35 $0" in page


def test_the_staff_page_names_each_difference_in_words(client, app, stub, login_as):
    from tests.support.booking_helpers import text_of

    _, token, paid = confirmed_booking(client, app, stub)
    gateway = StripeGateway("sk_test_x", WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    gateway.refund(intent_of(paid), 2000, idempotency_key="dashboard-refund")
    gateway.close()
    login_as("admin")
    page = text_of(check_on_page(client, "7").get_data(as_text=True))
    appt_id = appointment(app, token)["id"]
    assert "1 difference to look at" in page
    assert (
        f"{intent_of(paid)} (deposit of appointment {appt_id}): we recorded nothing refunded, "
        "the provider refunded $20" in page
    )


@pytest.mark.parametrize("period", ["", "12", "forever", "x" * 500])
def test_a_period_that_is_not_offered_is_a_form_error(client, app, stub, login_as, period):
    from tests.support.booking_helpers import text_of

    login_as("admin")
    response = check_on_page(client, period)
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response.get_data(as_text=True))
    assert "Everything agrees" not in text_of(response.get_data(as_text=True))


def test_therapists_may_not_open_it(client, app, stub, login_as):
    login_as("therapist")
    assert client.get("/staff/payments/reconcile").status_code == 403


def test_a_check_without_the_csrf_token_asks_the_provider_nothing(client, app, stub, login_as):
    confirmed_booking(client, app, stub)
    login_as("admin")
    assert client.post("/staff/payments/reconcile", data={"period": "all"}).status_code == 400
    assert intent_reads(stub) == 0

"""Buying a gift card on Stripe (the real SDK against the local stub): the card is issued
only by the signed webhook, after the session is read back; once, whatever order the
events come in; a wrong amount is refunded in full and issues nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import GiftCard, GiftCardOrder
from tests.support import stripe_fixtures
from tests.support.booking_helpers import outbox, post_form, webhook

clock, stub, app, client = stripe_fixtures.FIXTURES

BUYER = "bea@example.com"


def buy(client, **fields):
    data = {"choice": "10000", "buyer_name": "Bea Lund", "buyer_email": BUYER} | fields
    response = post_form(client, "/gift-cards/", **data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def the_session(stub):
    (session,) = stub.sessions.values()
    return session


def cards(app):
    with app.app_context():
        return [(c.amount_issued, c.balance) for c in db.session.scalars(sa.select(GiftCard))]


def order_row(app):
    with app.app_context():
        order = db.session.scalars(sa.select(GiftCardOrder)).one()
        db.session.expunge(order)
        return order


def test_paying_issues_the_card_and_emails_its_code(app, client, stub):
    url = buy(client)
    session = the_session(stub)
    assert url == session["url"]  # the provider's hosted page, on its own origin
    assert session["metadata"]["gift_card_order"] == order_row(app).token
    assert session["amount_total"] == 10_000
    (request,) = stub.requests_to("/v1/checkout/sessions")
    assert request.idempotency_key == f"gift-card-order-{order_row(app).token}"
    assert cards(app) == []  # nothing on the redirect back
    assert client.get(f"/gift-cards/order/{order_row(app).token}").status_code == 200

    paid = stub.complete_session(session["id"])
    assert webhook(client, "checkout.session.completed", paid).status_code == 200
    assert cards(app) == [(10_000, 10_000)]
    (mail,) = [e for e in outbox(app) if e["to"] == BUYER]
    code = re.search(r"Gift card code: ([A-Z0-9-]{19})", mail["text"]).group(1)
    with app.app_context():
        card = db.session.scalars(sa.select(GiftCard)).one()
        assert code.replace("-", "") == card.code
        assert f"/gift-cards/{card.token}" in mail["text"]
        page = client.get(f"/gift-cards/{card.token}").get_data(as_text=True)
        assert code in page and "$100" in page


def test_the_same_payment_told_twice_issues_one_card(app, client, stub):
    buy(client)
    paid = stub.complete_session(the_session(stub)["id"])
    webhook(client, "checkout.session.completed", paid)
    webhook(client, "checkout.session.completed", paid)  # a new event id, same session
    webhook(client, "checkout.session.async_payment_succeeded", paid)
    assert cards(app) == [(10_000, 10_000)]
    assert len([e for e in outbox(app) if e["to"] == BUYER]) == 1


def test_an_expired_event_after_payment_changes_nothing(app, client, stub):
    buy(client)
    session_id = the_session(stub)["id"]
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.expired", paid | {"status": "expired"})
    webhook(client, "checkout.session.completed", paid)
    assert cards(app) == [(10_000, 10_000)]


def test_a_completed_event_whose_session_is_unpaid_issues_nothing(app, client, stub):
    buy(client)
    session = the_session(stub)
    # A forged-looking body that claims payment; the session read back says open, unpaid.
    reply = webhook(client, "checkout.session.completed", session | {"payment_status": "paid"})
    assert reply.json["outcome"] == "awaiting payment"
    assert cards(app) == []


def test_a_late_payment_after_the_checkout_expired_still_issues_the_card(app, client, stub):
    buy(client)
    session_id = the_session(stub)["id"]
    expired = stub.expire_session(session_id)
    webhook(client, "checkout.session.expired", expired)
    assert order_row(app).status == "expired"
    stub.sessions[session_id].update(status="complete", payment_status="paid")
    paid = stub.complete_session(session_id) if False else stub.session(session_id)
    webhook(client, "checkout.session.completed", paid)
    assert order_row(app).status == "paid"
    assert len(cards(app)) == 1


def test_a_wrong_amount_is_refunded_in_full_and_issues_no_card(app, client, stub):
    buy(client)
    session_id = the_session(stub)["id"]
    paid = stub.complete_session(session_id)
    stub.sessions[session_id].update(amount_total=100, amount_subtotal=100)
    stub.payment_intents[paid["payment_intent"]].update(amount=100, amount_received=100)
    webhook(client, "checkout.session.completed", stub.session(session_id))
    webhook(client, "checkout.session.completed", stub.session(session_id))
    assert cards(app) == []
    order = order_row(app)
    assert (order.status, order.amount_refunded) == ("refunded", 100)
    assert "refunded in full" in order.attention
    assert stub.amount_refunded(paid["payment_intent"]) == 100
    assert len(stub.requests_to("/v1/refunds")) == 1

"""Buying a package at /packages/: the list and its honest saving, the form (with bad
input), the hosted checkout on Stripe (the stub), and the signed webhook as the only thing
that activates a package: late, twice, out of order, or for a wrong amount."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import PackagePurchase
from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    csrf_from,
    page_html,
    session_id_from,
    text_of,
    webhook,
)
from tests.support.mail_helpers import deliver, html, plain
from tests.support.my_helpers import LINK, sign_in
from tests.support.package_helpers import make_package, purchases

clock, stub, app, client = stripe_fixtures.FIXTURES

PRICE = 60000  # five 60-minute sessions; singly 5 x $140 = $700


def buy(client, slug="five-60", **data):
    token = csrf_from(page_html(client, f"/packages/{slug}/buy"))
    fields = {"name": "Ana Client", "email": "ana@example.com", "csrf_token": token, **data}
    return client.post(f"/packages/{slug}/buy", data=fields)


def bought_session(client, app, stub) -> str:
    make_package(app, price=PRICE)
    response = buy(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    session_id = session_id_from(response.headers["Location"])
    assert session_id in stub.sessions
    return session_id


def test_the_list_shows_the_saving_against_single_visits(client, app):
    make_package(app, price=PRICE)
    make_package(app, slug="pricey", name="No bargain", sessions=2, price=28000)
    page = text_of(page_html(client, "/packages/"))
    assert "Five 60-minute sessions" in page and "$600" in page
    assert "You save $100 against 5 single visits at today's $140 each ($700)" in page
    assert "a package saves nothing, it only pays in advance" in page  # 2 x $140 = $280


def test_an_inactive_package_is_neither_listed_nor_sold(client, app):
    make_package(app, active=False)
    assert "Five 60-minute sessions" not in page_html(client, "/packages/")
    assert client.get("/packages/five-60/buy").status_code == 404


def test_buying_opens_a_hosted_checkout_for_the_package_with_its_own_metadata(client, app, stub):
    session_id = bought_session(client, app, stub)
    [request] = stub.requests_to("/v1/checkout/sessions")
    [row] = purchases(app)
    with app.app_context():
        purchase = db.session.get(PackagePurchase, row["id"])
        token = purchase.token
        assert purchase.client is not None and purchase.client.email == "ana@example.com"
    assert request.params["metadata"] == {"package_purchase": token}
    assert request.idempotency_key == f"package-checkout-{token}"
    assert stub.session(session_id)["amount_total"] == PRICE
    assert row["status"] == "pending"


def test_coming_back_from_the_checkout_activates_nothing(client, app, stub):
    session_id = bought_session(client, app, stub)
    stub.complete_session(session_id)  # paid, but no webhook yet
    success = stub.session(session_id)["success_url"]
    page = text_of(page_html(client, urlsplit(success).path))
    assert "waiting for the payment provider" in page
    assert purchases(app)[0]["status"] == "pending"


def test_the_signed_webhook_activates_it_once_and_emails_a_sign_in_link(
    client, app, stub, tmp_path
):
    session_id = bought_session(client, app, stub)
    paid = stub.complete_session(session_id)
    for event_id in ("evt_pkg_1", "evt_pkg_1", "evt_pkg_2"):  # a duplicate, then a retry
        response = webhook(client, "checkout.session.completed", paid, event_id=event_id)
        assert response.status_code == 200
    [row] = purchases(app)
    assert (row["status"], row["left"]) == ("active", 5)
    [message] = deliver(app, tmp_path)
    assert message["To"] == "ana@example.com"
    assert "5 sessions of Neuromuscular Therapy" in message["Subject"]
    assert "Use them by: Saturday, June 5, 2027" in plain(message)  # 180 days on, with the year
    path = LINK.search(plain(message)).group(1)
    assert path in html(message)
    assert sign_in(client, path).status_code == 303
    page = text_of(page_html(client, "/my/"))
    assert "My packages" in page and "5 of 5 sessions left" in page


def test_an_expired_event_coming_after_payment_changes_nothing(client, app, stub):
    session_id = bought_session(client, app, stub)
    open_copy = stub.session(session_id)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.completed", paid, event_id="evt_a")
    stale = {**open_copy, "status": "expired"}
    assert webhook(client, "checkout.session.expired", stale, event_id="evt_b").status_code == 200
    assert purchases(app)[0]["status"] == "active"


def test_an_event_whose_body_lies_is_settled_from_the_session_read_back(client, app, stub):
    session_id = bought_session(client, app, stub)
    claimed_paid = {**stub.session(session_id), "payment_status": "paid", "status": "complete"}
    webhook(client, "checkout.session.completed", claimed_paid, event_id="evt_lie")
    assert purchases(app)[0]["status"] == "pending"  # Stripe says it is still open
    expired = stub.expire_session(session_id)
    webhook(client, "checkout.session.expired", expired, event_id="evt_exp")
    assert purchases(app)[0]["status"] == "expired"


def test_a_payment_arriving_after_the_expiry_event_still_activates(client, app, stub):
    """Out of order: the expired event is about a session that was paid meanwhile."""
    session_id = bought_session(client, app, stub)
    open_copy = stub.session(session_id)
    paid = stub.complete_session(session_id)
    webhook(client, "checkout.session.expired", {**open_copy, "status": "expired"}, "evt_1")
    assert purchases(app)[0]["status"] == "active"
    webhook(client, "checkout.session.completed", paid, event_id="evt_2")
    [row] = purchases(app)
    assert (row["status"], row["left"]) == ("active", 5)


@pytest.mark.parametrize("taken", [PRICE - 1, PRICE + 5000])
def test_a_wrong_amount_is_refunded_in_full_and_never_activates(client, app, stub, taken):
    session_id = bought_session(client, app, stub)
    paid = stub.complete_session(session_id)
    stub.sessions[session_id].update(amount_total=taken, amount_subtotal=taken)
    intent = stub.payment_intents[paid["payment_intent"]]
    intent["amount"] = intent["amount_received"] = taken
    wrong = stub.session(session_id)
    for event_id in ("evt_w1", "evt_w2"):
        right_looking = {**wrong, "amount_total": PRICE}
        assert webhook(client, "checkout.session.completed", right_looking, event_id).status_code
    [row] = purchases(app)
    assert (row["status"], row["amount"], row["refunded"]) == ("refunded", taken, taken)
    assert stub.amount_refunded(paid["payment_intent"]) == taken  # once, in full
    assert f"paid {taken} USD, asked {PRICE} USD" in row["attention"]


def test_an_unknown_checkout_session_is_acknowledged_and_changes_nothing(client, app, stub):
    bought_session(client, app, stub)
    other = {"id": "cs_test_unknown", "object": "checkout.session", "status": "complete"}
    response = webhook(client, "checkout.session.completed", other, event_id="evt_x")
    assert response.get_json()["outcome"] == "unknown checkout session"
    assert purchases(app)[0]["status"] == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not an email"},
        {"email": ""},
        {"name": ""},
        {"name": "x" * 101},
        {"email": "a@" + "b" * 260 + ".com"},
        {"name": "\x00\x01"},
    ],
)
def test_garbage_in_the_form_is_a_form_error_and_opens_no_checkout(client, app, stub, data):
    make_package(app, price=PRICE)
    response = buy(client, **data)
    assert response.status_code in (400, 422)
    assert stub.requests_to("/v1/checkout/sessions") == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PackagePurchase.id))) == 0


def test_a_form_without_its_csrf_token_is_refused(client, app, stub):
    make_package(app, price=PRICE)
    response = client.post(
        "/packages/five-60/buy", data={"name": "Ana", "email": "ana@example.com"}
    )
    assert response.status_code in (400, 422)
    assert stub.requests_to("/v1/checkout/sessions") == []


def test_an_unknown_receipt_token_is_not_found(client, app):
    assert client.get("/packages/bought/nope").status_code == 404
    assert client.get("/packages/bought/" + "x" * 500).status_code == 404


def test_stripe_unreachable_keeps_the_form_and_no_purchase(client, app, stub):
    make_package(app, price=PRICE)
    stub.fail_next = 10
    response = buy(client, name="Ana Client", email="ana@example.com")
    stub.fail_next = 0
    assert response.status_code == 503
    page = text_of(response.get_data(as_text=True))
    assert "could not reach the payment service" in page and "Nothing was charged" in page
    assert 'value="ana@example.com"' in response.get_data(as_text=True)
    assert purchases(app) == []

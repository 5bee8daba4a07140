"""Stripe's webhook against the local stub (real SDK, real signatures): hostile bodies are
answered 400, never 500; events are deduplicated by event id, not by session; a payment is
settled from Stripe's own record of the session, so the orderings that used to keep a
client's money (expired then completed; a wrong amount then the right one) end confirmed
or refunded; and what was refunded shows on the staff dashboard.

Every ordering of the events for one session: tests/payments/test_webhook_orderings.py."""

from __future__ import annotations

import json
import threading

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Payment, ProcessedEvent
from clinicsite.payments.gateway import InvalidWebhook
from clinicsite.payments.stripe_gateway import PROVIDER_ID, StripeGateway
from tests.support import stripe_fixtures
from tests.support.booking_helpers import (
    NMT,
    appointment,
    appointments,
    book_slot,
    count_rows,
    hold_to_checkout,
    is_free,
    outbox,
    page_html,
    post_form,
    text_of,
    webhook,
)
from tests.support.stripe_stub import WEBHOOK_SECRET, StripeStub, sign, signed_event

DEPOSIT = 3500  # fixture_clinic/services.toml: neuromuscular therapy, 60 minutes, $35 deposit
DANA = "dana-okafor"


# The app on Stripe (the SDK against a local stub), its clock stopped.
clock, stub, app, client = stripe_fixtures.FIXTURES


# -- helpers: states of a session at Stripe the stub has no call for ---------------------------


def take_wrong_amount(stub: StripeStub, session_id: str, amount: int) -> dict:
    """The client paid, but Stripe took `amount` (a misconfigured price, say)."""
    paid = stub.complete_session(session_id)
    stub.sessions[session_id].update(amount_total=amount, amount_subtotal=amount)
    intent = stub.payment_intents[paid["payment_intent"]]
    intent["amount"] = intent["amount_received"] = amount
    return stub.session(session_id)


def post_raw(client, body: bytes):
    return client.post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"},
    )


def event_body(event_id: str, data_object: dict, event_type="checkout.session.completed"):
    return json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "data": {"object": data_object}}
    ).encode()


def client_mails(app, prefix=""):
    return [
        e for e in outbox(app) if e["to"] == "ana@example.com" and e["subject"].startswith(prefix)
    ]


def attention_notes(app) -> list[str]:
    with app.app_context():
        notes = db.session.scalars(
            sa.select(Payment.attention).where(Payment.attention.is_not(None))
        ).all()
        db.session.remove()
    return list(notes)


# -- hostile bodies: 400 with a JSON error, nothing recorded -----------------------------------


@pytest.mark.parametrize(
    "label, event_id",
    [
        ("256 characters", "evt_" + "x" * 252),
        ("10,000 characters", "evt_" + "x" * 9996),
        ("a NUL", "evt_\x00null"),
        ("a space", "evt_ spaced"),
        ("non-ASCII", "evt_ünïcode"),
    ],
)
def test_signed_event_with_an_unusable_id_is_refused(client, app, stub, label, event_id):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    response = post_raw(client, event_body(event_id, paid))
    assert response.status_code == 400, label
    assert "id" in response.get_json()["error"]
    assert count_rows(app, ProcessedEvent) == 0
    assert appointment(app, token)["status"] == "held"


def test_an_id_of_255_characters_is_a_valid_id(client, app, stub):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    response = post_raw(client, event_body("evt_" + "x" * 251, paid))
    assert response.status_code == 200
    assert appointment(app, token)["status"] == "confirmed"


@pytest.mark.parametrize("depth", [33, 1_000, 100_000, 500_000])
def test_signed_deeply_nested_json_is_refused(client, app, depth):
    nested = "[" * depth + "]" * depth
    body = f'{{"id": "evt_deep", "type": "checkout.session.completed", "x": {nested}}}'
    response = post_raw(client, body.encode())
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]
    unclosed = post_raw(client, b'{"id": "evt_open", "data": ' + b"{" * depth)
    assert unclosed.status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting(client, app, stub):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = {**stub.complete_session(session_id), "metadata": {"note": "[[[{{{" * 100 + '\\"'}}
    assert webhook(client, "checkout.session.completed", paid).status_code == 200
    assert appointment(app, token)["status"] == "confirmed"


_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
_EVENT_KEYS = st.sampled_from(["id", "type", "data", "object", "created", "request", "metadata"])
_EVENTS = st.recursive(
    _JSON, lambda inner: st.dictionaries(_EVENT_KEYS | st.text(max_size=5), inner), max_leaves=30
)


@settings(max_examples=150, deadline=None, database=None)
@given(body=_EVENTS, event_id=st.text(max_size=300) | st.integers() | st.none())
def test_any_signed_json_is_an_event_or_invalid_webhook(body, event_id):
    """No body Stripe's signature covers makes the parser raise anything but InvalidWebhook
    (the route answers that with a 400; anything else would be a 500)."""
    gateway = StripeGateway("sk_test_parse_only", WEBHOOK_SECRET, api_base="http://127.0.0.1:9")
    shaped = {"id": event_id, "type": "checkout.session.completed", "data": {"object": body}}
    for candidate in (body, shaped):
        raw = json.dumps(candidate).encode()
        try:
            event = gateway.parse_webhook(raw, sign(raw))
        except InvalidWebhook:
            continue
        assert PROVIDER_ID.fullmatch(event.id) and isinstance(event.data, dict)


@pytest.mark.parametrize(
    "session_id", ["cs_" + "x" * 300, "cs_\x00", "", None, 42, ["cs_x"], {"id": "cs_x"}]
)
def test_an_odd_session_id_is_an_unknown_session(client, app, stub, session_id):
    response = post_raw(client, event_body("evt_odd_session", {"id": session_id}))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "unknown checkout session"


def test_stripe_unreachable_answers_503_so_stripe_retries(client, app, stub, monkeypatch):
    from stripe._http_client import HTTPClient

    monkeypatch.setattr(HTTPClient, "_sleep_time_seconds", lambda self, *a, **k: 0.0)
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    stub.fail_next = 3  # reading the session back fails, retries included
    first = webhook(client, "checkout.session.completed", paid, event_id="evt_test_outage")
    assert first.status_code == 503 and "error" in first.get_json()
    assert count_rows(app, ProcessedEvent) == 0  # not recorded: the retry is processed
    assert attention_notes(app) and "failed" in attention_notes(app)[0]
    again = webhook(client, "checkout.session.completed", paid, event_id="evt_test_outage")
    assert again.get_json()["outcome"] == "confirmed"
    assert attention_notes(app) == []  # settled: nothing left to look at


# -- the orderings from the issue -----------------------------------------------------------------


def test_expired_then_completed_confirms_a_paid_session(client, app, stub):
    """Issue 9, item 5: the second event used to be answered "duplicate", leaving booking
    and payment expired and the money kept."""
    slot, token, session_id = hold_to_checkout(client, app, stub)
    as_expired = {**stub.session(session_id), "status": "expired"}
    paid = stub.complete_session(session_id)
    first = webhook(client, "checkout.session.expired", as_expired)
    second = webhook(client, "checkout.session.completed", paid)
    assert first.get_json()["outcome"] == "confirmed"  # Stripe's record says paid
    assert second.get_json() == {"received": True, "outcome": "already settled"}
    done = appointment(app, token)
    assert (done["status"], done["payments"][0]["status"]) == ("confirmed", "paid")
    assert stub.refunds == {}
    assert len(client_mails(app, "Booked")) == 1


def test_expired_recorded_then_paid_after_the_time_was_taken_refunds(client, app, stub, clock):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    with app.app_context():  # our side saw the checkout expire (the fake page does this)
        from clinicsite.payments import fulfilment

        payment = fulfilment.payment_for_session(session_id)
        fulfilment.record_checkout_expired(payment, clock())
        db.session.commit()
        db.session.remove()
    assert appointment(app, token)["status"] == "expired"
    other = book_slot(client, app, slot, name="Ben Second", email="ben@example.com")
    assert other.status_code == 303
    paid = stub.complete_session(session_id)
    response = webhook(client, "checkout.session.completed", paid)
    assert response.get_json()["outcome"] == "refunded: time taken"
    late = appointment(app, token)
    assert (late["status"], late["payments"][0]["status"]) == ("expired", "refunded")
    assert [r["amount"] for r in stub.refunds.values()] == [DEPOSIT]
    assert client_mails(app, "Your payment arrived after the time was taken")
    [note] = attention_notes(app)
    assert "time taken" in note


def test_expired_recorded_then_paid_while_the_time_is_free_confirms_and_says_so(
    client, app, stub, clock
):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    with app.app_context():
        from clinicsite.payments import fulfilment

        payment = fulfilment.payment_for_session(session_id)
        fulfilment.record_checkout_expired(payment, clock())
        db.session.commit()
        db.session.remove()
    response = webhook(client, "checkout.session.completed", stub.complete_session(session_id))
    assert response.get_json()["outcome"] == "confirmed"
    done = appointment(app, token)
    assert (done["status"], done["payments"][0]["status"]) == ("confirmed", "paid")
    assert stub.refunds == {}
    [note] = attention_notes(app)
    assert "paid after we recorded the checkout expired" in note


def test_an_event_one_cent_short_then_the_right_one(client, app, stub):
    """Issue 9, item 5: the right event used to be answered "duplicate" and the hold lapsed.
    An event's body is not Stripe's record: both events are looked up, and the session
    Stripe has (paid in full) confirms once."""
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    short = webhook(client, "checkout.session.completed", {**paid, "amount_total": DEPOSIT - 1})
    right = webhook(client, "checkout.session.completed", paid)
    assert short.status_code == right.status_code == 200
    assert {short.get_json()["outcome"], right.get_json()["outcome"]} == {
        "confirmed",
        "already settled",
    }
    assert appointment(app, token)["status"] == "confirmed"
    assert stub.refunds == {}
    assert count_rows(app, ProcessedEvent) == 2  # two events, each processed


@pytest.mark.parametrize("taken", [DEPOSIT - 1, 100, DEPOSIT * 10])
def test_a_wrong_amount_taken_is_refunded_in_full_and_never_confirms(client, app, stub, taken):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    wrong = take_wrong_amount(stub, session_id, taken)
    right_looking = {**wrong, "amount_total": DEPOSIT}
    for event in [wrong, right_looking, wrong]:
        response = webhook(client, "checkout.session.completed", event)
        assert response.status_code == 200
    held = appointment(app, token)
    assert held["status"] == "expired"  # the hold ends: its time is free again
    [payment] = held["payments"]
    assert (payment["status"], payment["amount"], payment["amount_refunded"]) == (
        "refunded",
        taken,
        taken,
    )
    assert [r["amount"] for r in stub.refunds.values()] == [taken]  # once, in full
    assert stub.amount_refunded(wrong["payment_intent"]) == taken
    assert client_mails(app, "Booked") == []
    assert client_mails(app, "Refund of your")
    assert is_free(client, NMT, slot["start"], DANA)
    [note] = attention_notes(app)
    assert f"paid {taken} USD, asked {DEPOSIT} USD" in note
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "payment of a wrong amount refunded" in actions


def test_a_wrong_currency_is_refunded_without_a_misleading_email(client, app, stub):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    stub.sessions[session_id]["currency"] = "eur"
    stub.payment_intents[paid["payment_intent"]]["currency"] = "eur"
    assert webhook(client, "checkout.session.completed", paid).status_code == 200
    [payment] = appointment(app, token)["payments"]
    assert (payment["status"], payment["currency"]) == ("refunded", "EUR")
    assert [r["amount"] for r in stub.refunds.values()] == [DEPOSIT]
    assert client_mails(app, "Refund of your") == []  # it would show dollars
    assert attention_notes(app)


def second_checkout(app, token: str) -> str:
    """Another checkout for the same appointment (the flow makes one at a time; this is
    the defence for when Stripe took two anyway)."""
    from datetime import timedelta

    from clinicsite import clock
    from clinicsite.models import Appointment
    from clinicsite.payments import get_gateway
    from clinicsite.payments.gateway import CheckoutRequest

    with app.app_context():
        booked = db.session.scalar(sa.select(Appointment).filter_by(token=token))
        session = get_gateway().create_checkout(
            CheckoutRequest(
                reference=str(booked.id),
                amount=booked.deposit,
                currency=booked.currency,
                description="Deposit",
                customer_email=booked.client_email,
                success_url="https://clinic.test/ok",
                cancel_url="https://clinic.test/no",
                expires_at=clock.now() + timedelta(minutes=40),
                idempotency_key=f"second-{token}",
            )
        )
        db.session.add(
            Payment(
                appointment=booked,
                provider="stripe",
                checkout_session_id=session.id,
                amount=booked.deposit,
                currency=booked.currency,
            )
        )
        db.session.commit()
        db.session.remove()
    return session.id


def test_a_second_paid_checkout_for_a_confirmed_booking_is_refunded(client, app, stub):
    slot, token, first_session = hold_to_checkout(client, app, stub)
    second_session = second_checkout(app, token)
    paid_second = stub.complete_session(second_session)
    assert webhook(client, "checkout.session.completed", paid_second).get_json() == {
        "received": True,
        "outcome": "confirmed",
    }
    paid_first = stub.complete_session(first_session)
    response = webhook(client, "checkout.session.completed", paid_first)
    assert response.get_json()["outcome"] == "refunded: paid twice"
    statuses = sorted(p["status"] for p in appointment(app, token)["payments"])
    assert statuses == ["paid", "refunded"]
    assert [r["payment_intent"] for r in stub.refunds.values()] == [paid_first["payment_intent"]]
    assert appointment(app, token)["status"] == "confirmed"
    assert "paid twice" in attention_notes(app)[0]


def send_at_once(app, events: list[tuple[str, dict, str]]) -> list:
    """Each event from its own thread (its own client, session and connection), released
    together; returns the responses' (status, JSON)."""
    barrier = threading.Barrier(len(events))
    answers: list = []

    def send(event_type: str, data: dict, event_id: str) -> None:
        body, header = signed_event(event_type, data, event_id=event_id)
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            "/stripe/webhook",
            data=body,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send, args=event) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


SIMULTANEOUS = [
    "checkout.session.completed",
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
]


def test_simultaneous_events_for_one_paid_session_confirm_once(client, app, stub):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    paid = stub.complete_session(session_id)
    events = [(kind, paid, f"evt_test_same_time_{i}") for i, kind in enumerate(SIMULTANEOUS)]
    events.append(events[0])  # and one of them twice
    answers = send_at_once(app, events)
    assert [status for status, _ in answers] == [200] * len(events)
    outcomes = sorted(a.get("outcome") or "duplicate" for _, a in answers)
    assert outcomes == ["already settled"] * 3 + ["confirmed", "duplicate"]
    assert appointment(app, token)["status"] == "confirmed"
    assert stub.refunds == {}
    assert len(client_mails(app, "Booked")) == 1


def test_simultaneous_late_payments_after_the_time_was_taken_refund_once(client, app, stub, clock):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    clock.advance(minutes=45)
    other = book_slot(client, app, slot, name="Ben Second", email="ben@example.com")
    assert other.status_code == 303
    paid = stub.complete_session(session_id)
    answers = send_at_once(
        app, [(kind, paid, f"evt_test_late_{i}") for i, kind in enumerate(SIMULTANEOUS)]
    )
    assert sorted(a["outcome"] for _, a in answers) == ["already settled"] * 3 + [
        "refunded: time taken"
    ]
    assert [r["amount"] for r in stub.refunds.values()] == [DEPOSIT]
    assert appointment(app, token)["payments"][0]["amount_refunded"] == DEPOSIT


# -- the staff dashboard --------------------------------------------------------------------------


def test_dashboard_lists_payments_needing_attention_until_cleared(client, app, stub, login_as):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    webhook(client, "checkout.session.completed", take_wrong_amount(stub, session_id, 100))
    login_as("admin")
    page = text_of(page_html(client, "/staff/"))
    assert "Payments needing attention" in page
    assert "paid 100 USD, asked 3500 USD" in page and "Ana Client" in page
    [payment_id] = [p["id"] for p in appointment(app, token)["payments"]]
    response = post_form(client, "/staff/", f"/staff/payments/{payment_id}/handled")
    assert response.status_code == 303
    assert "paid 100 USD" not in text_of(page_html(client, "/staff/"))
    assert attention_notes(app) == []
    with app.app_context():
        notes = db.session.scalars(
            sa.select(AuditEvent.note).where(AuditEvent.action == "payment attention cleared")
        ).all()
    assert notes and "paid 100 USD" in notes[0]


def test_payments_needing_attention_are_for_admins(client, app, stub, login_as):
    slot, token, session_id = hold_to_checkout(client, app, stub)
    webhook(client, "checkout.session.completed", take_wrong_amount(stub, session_id, 100))
    [payment_id] = [p["id"] for p in appointments(app)[0]["payments"]]
    login_as("therapist", email="t@example.com")
    assert "Payments needing attention" not in text_of(page_html(client, "/staff/"))
    assert client.post(f"/staff/payments/{payment_id}/handled").status_code in (400, 403)
    assert attention_notes(app)

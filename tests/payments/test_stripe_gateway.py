"""StripeGateway with the real `stripe` SDK against the local Stripe stub (no network, no app)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from clinicsite.payments.gateway import (
    CheckoutRequest,
    CheckoutSession,
    InvalidWebhook,
    PaymentError,
    RefundResult,
)
from clinicsite.payments.stripe_gateway import StripeGateway
from tests.support.stripe_stub import WEBHOOK_SECRET, StripeStub, decode_form, sign, signed_event

API_KEY = "sk_test_clinicsite0gateway0tests0key"


@pytest.fixture
def stub() -> Iterator[StripeStub]:
    with StripeStub() as running:
        yield running


def make_gateway(url: str, retries: int = 0) -> StripeGateway:
    return StripeGateway(API_KEY, WEBHOOK_SECRET, api_base=url, max_network_retries=retries)


@pytest.fixture
def gateway(stub: StripeStub) -> Iterator[StripeGateway]:
    gw = make_gateway(stub.url)
    yield gw
    gw.close()


def checkout_request(**changes) -> CheckoutRequest:
    values = {
        "reference": "42",
        "amount": 2500,
        "currency": "EUR",
        "description": "Deposit: Neuromuscular Therapy, 60 min",
        "customer_email": "ana@example.com",
        "success_url": "https://clinic.test/book/done?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://clinic.test/book/cancelled",
        "expires_at": datetime.now(UTC) + timedelta(minutes=45),
        "idempotency_key": "checkout-42-1",
    }
    values.update(changes)
    return CheckoutRequest(**values)


def paid_payment_intent(stub: StripeStub, gateway: StripeGateway, amount: int = 2500) -> str:
    session = gateway.create_checkout(checkout_request(amount=amount))
    return stub.complete_session(session.id)["payment_intent"]


# -- checkout -------------------------------------------------------------------------------------


def test_create_checkout_sends_what_stripe_needs(stub, gateway):
    request = checkout_request()

    session = gateway.create_checkout(request)

    assert isinstance(session, CheckoutSession)
    assert session.id.startswith("cs_test_")
    assert session.url == f"https://checkout.stripe.test/c/pay/{session.id}"
    [sent] = stub.requests_to("/v1/checkout/sessions")
    assert sent.idempotency_key == "checkout-42-1"
    assert sent.header("Authorization") == f"Bearer {API_KEY}"
    assert sent.params == {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "eur",
                    "unit_amount": "2500",
                    "product_data": {"name": "Deposit: Neuromuscular Therapy, 60 min"},
                },
                "quantity": "1",
            }
        ],
        "customer_email": "ana@example.com",
        "client_reference_id": "42",
        "metadata": {"appointment_id": "42"},
        "payment_intent_data": {"metadata": {"appointment_id": "42"}},
        "success_url": "https://clinic.test/book/done?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://clinic.test/book/cancelled",
        "expires_at": str(int(request.expires_at.timestamp())),
    }
    stored = stub.sessions[session.id]
    assert stored["amount_total"] == 2500
    assert stored["currency"] == "eur"
    assert stored["customer_email"] == "ana@example.com"
    assert stored["client_reference_id"] == "42"
    assert stored["metadata"] == {"appointment_id": "42"}
    assert stored["expires_at"] == int(request.expires_at.timestamp())
    assert (stored["status"], stored["payment_status"]) == ("open", "unpaid")


def test_payment_intent_carries_the_appointment_id(stub, gateway):
    session = gateway.create_checkout(checkout_request(reference="77"))
    pi_id = stub.complete_session(session.id)["payment_intent"]
    assert stub.payment_intents[pi_id]["metadata"] == {"appointment_id": "77"}


def test_same_idempotency_key_creates_one_session(stub, gateway):
    request = checkout_request(idempotency_key="checkout-42-same")

    first = gateway.create_checkout(request)
    second = gateway.create_checkout(request)

    assert first == second
    assert list(stub.sessions) == [first.id]
    assert len(stub.requests_to("/v1/checkout/sessions")) == 2


def test_a_new_idempotency_key_creates_a_new_session(stub, gateway):
    first = gateway.create_checkout(checkout_request(idempotency_key="a"))
    second = gateway.create_checkout(checkout_request(idempotency_key="b"))
    assert first.id != second.id
    assert len(stub.sessions) == 2


def test_reusing_a_key_for_other_parameters_is_refused(stub, gateway):
    gateway.create_checkout(checkout_request(idempotency_key="k", amount=2500))
    with pytest.raises(PaymentError, match="idempotent"):
        gateway.create_checkout(checkout_request(idempotency_key="k", amount=3000))
    assert len(stub.sessions) == 1


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"amount": 0}, "unit_amount"),
        ({"expires_at": datetime.now(UTC) + timedelta(minutes=10)}, "expires_at"),
        ({"expires_at": datetime.now(UTC) + timedelta(hours=25)}, "expires_at"),
    ],
)
def test_stripe_refusing_a_checkout_is_a_payment_error(stub, gateway, changes, param):
    with pytest.raises(PaymentError) as caught:
        gateway.create_checkout(checkout_request(**changes))
    assert isinstance(caught.value.__cause__, stripe.InvalidRequestError)
    assert param in caught.value.__cause__.param
    assert stub.sessions == {}


def test_naive_expiry_is_a_programming_error(gateway):
    with pytest.raises(ValueError, match="timezone-aware"):
        gateway.create_checkout(checkout_request(expires_at=datetime.now() + timedelta(hours=1)))


def test_server_error_is_a_payment_error(stub, gateway):
    stub.fail_next = 1
    with pytest.raises(PaymentError) as caught:
        gateway.create_checkout(checkout_request())
    assert isinstance(caught.value.__cause__, stripe.APIError)
    assert API_KEY not in str(caught.value)
    assert stub.sessions == {}


def test_sdk_retries_a_server_error_with_the_same_key(stub, monkeypatch):
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.01)
    monkeypatch.setattr(stripe.HTTPClient, "MAX_DELAY", 0.01)
    gw = make_gateway(stub.url, retries=2)
    stub.fail_next = 1

    session = gw.create_checkout(checkout_request(idempotency_key="retry-me"))

    sent = stub.requests_to("/v1/checkout/sessions")
    assert [r.status for r in sent] == [500, 200]
    assert {r.idempotency_key for r in sent} == {"retry-me"}
    assert list(stub.sessions) == [session.id]
    gw.close()


def test_unreachable_stripe_is_a_payment_error():
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gw = make_gateway(f"http://127.0.0.1:{port}")
    with pytest.raises(PaymentError) as caught:
        gw.create_checkout(checkout_request())
    assert isinstance(caught.value.__cause__, stripe.APIConnectionError)
    assert API_KEY not in str(caught.value)
    gw.close()


def test_rejected_api_key_is_a_payment_error_without_the_key(stub):
    bad_key = "sk_live_0123456789abcdefghijklmnop"
    gw = StripeGateway(bad_key, WEBHOOK_SECRET, api_base=stub.url, max_network_retries=0)
    with pytest.raises(PaymentError, match="Invalid API Key") as caught:
        gw.create_checkout(checkout_request())
    assert isinstance(caught.value.__cause__, stripe.AuthenticationError)
    assert bad_key not in str(caught.value)
    gw.close()


def test_the_key_is_redacted_from_messages(stub, monkeypatch):
    gw = make_gateway(stub.url)

    def leaky(*args, **kwargs):
        raise stripe.APIError(f"upstream echoed {API_KEY} back")

    monkeypatch.setattr(gw._client.v1.refunds, "create", leaky)
    with pytest.raises(PaymentError) as caught:
        gw.refund("pi_test_1", 100, "k")
    assert API_KEY not in str(caught.value)
    assert "[redacted]" in str(caught.value)


@pytest.mark.parametrize("key", ["", "   "])
def test_a_blank_key_is_refused(key):
    with pytest.raises(ValueError):
        StripeGateway(key, WEBHOOK_SECRET)


def test_gateway_does_not_show_its_key():
    gw = StripeGateway(API_KEY, WEBHOOK_SECRET)
    assert API_KEY not in repr(gw)
    assert stripe.api_key is None  # a client of its own, not the global key


# -- expiring -------------------------------------------------------------------------------------


def test_expire_checkout(stub, gateway):
    session = gateway.create_checkout(checkout_request())

    gateway.expire_checkout(session.id)

    assert stub.sessions[session.id]["status"] == "expired"
    assert stub.sessions[session.id]["url"] is None
    [sent] = stub.requests_to(f"/v1/checkout/sessions/{session.id}/expire")
    assert sent.idempotency_key  # the SDK gives every POST one


def test_expiring_a_paid_session_is_a_payment_error(stub, gateway):
    session = gateway.create_checkout(checkout_request())
    stub.complete_session(session.id)

    with pytest.raises(PaymentError, match="no longer open") as caught:
        gateway.expire_checkout(session.id)

    assert isinstance(caught.value.__cause__, stripe.InvalidRequestError)
    assert stub.sessions[session.id]["status"] == "complete"


def test_expiring_an_expired_session_is_a_payment_error(stub, gateway):
    session = gateway.create_checkout(checkout_request())
    stub.expire_session(session.id)
    with pytest.raises(PaymentError, match="no longer open"):
        gateway.expire_checkout(session.id)


def test_expiring_an_unknown_session_is_a_payment_error(gateway):
    with pytest.raises(PaymentError, match="no checkout session cs_test_nope"):
        gateway.expire_checkout("cs_test_nope")


def test_expire_server_error_is_a_payment_error(stub, gateway):
    session = gateway.create_checkout(checkout_request())
    stub.fail_next = 1
    with pytest.raises(PaymentError):
        gateway.expire_checkout(session.id)
    assert stub.sessions[session.id]["status"] == "open"


# -- refunds --------------------------------------------------------------------------------------


def test_refund(stub, gateway):
    pi_id = paid_payment_intent(stub, gateway, amount=2500)

    result = gateway.refund(pi_id, 1000, "refund-42-1")

    assert isinstance(result, RefundResult)
    assert result.id.startswith("re_test_")
    assert (result.amount, result.status) == (1000, "succeeded")
    [sent] = stub.requests_to("/v1/refunds")
    assert sent.idempotency_key == "refund-42-1"
    assert sent.params == {"payment_intent": pi_id, "amount": "1000"}
    assert stub.refunds[result.id]["payment_intent"] == pi_id


def test_refund_is_idempotent(stub, gateway):
    pi_id = paid_payment_intent(stub, gateway)
    first = gateway.refund(pi_id, 2500, "refund-once")
    again = gateway.refund(pi_id, 2500, "refund-once")
    assert first == again
    assert len(stub.refunds) == 1


def test_refunds_add_up_to_the_payment(stub, gateway):
    pi_id = paid_payment_intent(stub, gateway, amount=2500)
    gateway.refund(pi_id, 1500, "r1")
    gateway.refund(pi_id, 1000, "r2")
    assert stub.amount_refunded(pi_id) == 2500
    with pytest.raises(PaymentError):
        gateway.refund(pi_id, 1, "r3")


def test_over_refund_is_a_payment_error(stub, gateway):
    pi_id = paid_payment_intent(stub, gateway, amount=2500)
    with pytest.raises(PaymentError, match="greater than") as caught:
        gateway.refund(pi_id, 2501, "refund-too-much")
    assert isinstance(caught.value.__cause__, stripe.InvalidRequestError)
    assert stub.refunds == {}


def test_refund_of_an_unknown_payment_is_a_payment_error(stub, gateway):
    with pytest.raises(PaymentError, match="pi_test_unknown"):
        gateway.refund("pi_test_unknown", 100, "refund-x")


def test_refund_server_error_is_a_payment_error(stub, gateway):
    pi_id = paid_payment_intent(stub, gateway)
    stub.fail_next = 1
    with pytest.raises(PaymentError):
        gateway.refund(pi_id, 100, "refund-500")
    assert stub.refunds == {}
    # nothing was stored for the key: the retry goes through
    assert gateway.refund(pi_id, 100, "refund-500").amount == 100


# -- webhooks -------------------------------------------------------------------------------------


def test_parse_webhook_returns_plain_data(stub, gateway):
    session = gateway.create_checkout(checkout_request())
    paid = stub.complete_session(session.id)
    body, header = signed_event("checkout.session.completed", paid, event_id="evt_test_1")

    event = gateway.parse_webhook(body, header)

    assert (event.id, event.type) == ("evt_test_1", "checkout.session.completed")
    assert event.data == paid == stub.sessions[session.id]
    assert type(event.data) is dict
    assert type(event.data["metadata"]) is dict
    assert type(event.data["customer_details"]) is dict
    assert event.data["metadata"]["appointment_id"] == "42"
    assert event.data["payment_intent"].startswith("pi_test_")


def test_parse_webhook_nested_lists_are_plain(gateway):
    data = {"object": "thing", "items": [{"a": [{"b": 1}]}, [{"c": 2}]], "n": None}
    body, header = signed_event("test.event", data)
    parsed = gateway.parse_webhook(body, header).data
    assert parsed == data
    assert type(parsed["items"][0]) is dict
    assert type(parsed["items"][0]["a"][0]) is dict
    assert type(parsed["items"][1][0]) is dict


def test_hand_signature_matches_the_sdk():
    body, header = signed_event("x.y", {"id": "1"}, timestamp=1_700_000_000)
    assert sign(body, timestamp=1_700_000_000) == header


def test_webhook_with_the_wrong_secret_is_rejected(gateway):
    body, header = signed_event("checkout.session.completed", {}, secret="whsec_other")
    with pytest.raises(InvalidWebhook, match="signature"):
        gateway.parse_webhook(body, header)


def test_tampered_webhook_is_rejected(gateway):
    body, header = signed_event("checkout.session.completed", {"amount_total": 2500})
    tampered = body.replace(b"2500", b"1")
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(tampered, header)


def test_old_webhook_is_rejected(gateway):
    body, header = signed_event("checkout.session.completed", {}, timestamp=int(time.time()) - 301)
    with pytest.raises(InvalidWebhook, match="tolerance"):
        gateway.parse_webhook(body, header)


def test_webhook_within_tolerance_is_accepted(gateway):
    body, header = signed_event("checkout.session.completed", {}, timestamp=int(time.time()) - 240)
    assert gateway.parse_webhook(body, header).type == "checkout.session.completed"


@pytest.mark.parametrize("header", ["", "garbage", "t=notanumber,v1=abc", "t=123", "v1=abc"])
def test_missing_or_malformed_header_is_rejected(gateway, header):
    body, _ = signed_event("checkout.session.completed", {})
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, header)


def test_signed_garbage_is_rejected(gateway):
    garbage = b"this is { not json"
    with pytest.raises(InvalidWebhook, match="not JSON"):
        gateway.parse_webhook(garbage, sign(garbage))


def test_non_utf8_garbage_is_rejected(gateway):
    garbage = b"\xff\xfe\x00\x81 binary"
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(garbage, sign(garbage))


@pytest.mark.parametrize(
    "document",
    [
        {"object": "event", "type": "checkout.session.completed", "data": {"object": {}}},
        {"object": "event", "id": "evt_test_1", "data": {"object": {}}},
        {"object": "event", "id": "", "type": "x.y", "data": {"object": {}}},
        {"object": "event", "id": "evt_test_1", "type": "x.y"},
        {"object": "event", "id": "evt_test_1", "type": "x.y", "data": {"object": "nope"}},
        ["not", "an", "object"],
        "just a string",
        42,
    ],
)
def test_json_that_is_not_an_event_is_rejected(gateway, document):
    body = json.dumps(document).encode()
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, sign(body))


# -- the stub itself ------------------------------------------------------------------------------


def test_decode_form_nests_keys():
    pairs = [("a[b][0][c]", "1"), ("a[b][1][c]", "2"), ("x", "y"), ("l[]", "p"), ("l[]", "q")]
    assert decode_form(pairs) == {"a": {"b": [{"c": "1"}, {"c": "2"}]}, "x": "y", "l": ["p", "q"]}


def test_stub_retrieve_and_unknown_path(stub):
    client = stripe.StripeClient(API_KEY, base_addresses={"api": stub.url}, max_network_retries=0)
    created = client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": "https://clinic.test/ok",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": 500,
                        "product_data": {"name": "x"},
                    },
                    "quantity": 2,
                }
            ],
        }
    )
    assert created.amount_total == 1000
    assert created.expires_at == created.created + 24 * 3600
    fetched = client.v1.checkout.sessions.retrieve(created.id)
    assert fetched.to_dict() == stub.session(created.id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create({"mode": "bogus"})
    assert caught.value.param == "mode"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.retrieve("cs_test_missing")
    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized"):
        client.raw_request("post", "/v1/subscriptions")
    client._requestor._client.close()


def test_stub_clock_can_be_stopped(stub, gateway):
    frozen = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
    stub.clock = frozen.timestamp
    session = gateway.create_checkout(checkout_request(expires_at=frozen + timedelta(hours=1)))
    assert stub.sessions[session.id]["created"] == int(frozen.timestamp())
    with pytest.raises(PaymentError, match="expires_at"):  # "now" is 2030 for the stub
        gateway.create_checkout(checkout_request(idempotency_key="other"))


def test_stub_stops_cleanly():
    with StripeStub() as stub:
        url = stub.url
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(1)
        sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))

"""A stand-in for Stripe in local demos: its checkout is a page on this site ("test payment,
no card is charged") that drives the same fulfilment code as Stripe's webhook. The
production configuration refuses it."""

from __future__ import annotations

import hashlib

from flask import url_for

from clinicsite.payments.gateway import (
    ChargeResult,
    CheckoutRequest,
    CheckoutSession,
    CheckoutState,
    InvalidWebhook,
    OffSessionCharge,
    PaymentError,
    PaymentState,
    RefundResult,
    SavedCard,
    SetupRequest,
    WebhookEvent,
)
from clinicsite.payments.subscriptions import SubscriptionCheckoutRequest, SubscriptionState


def _stable_id(prefix: str, key: str) -> str:
    # Same idempotency key, same id: like Stripe, a retried call creates nothing new.
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class FakeGateway:
    name = "fake"

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        session_id = _stable_id("fake_cs", request.idempotency_key)
        # A gift card order has its own test page (giftshop); a deposit, booking's.
        page = "giftshop.fake_checkout" if "gift_card_order" in request.metadata else None
        return CheckoutSession(
            id=session_id,
            url=url_for(page or "booking.fake_checkout", session_id=session_id),
        )

    def expire_checkout(self, session_id: str) -> None:
        """Nothing to do: the fake checkout page checks the payment's state itself."""

    def retrieve_checkout(self, session_id: str) -> CheckoutState:
        raise PaymentError("the fake gateway keeps no checkouts: its page settles them itself")

    def refund(self, payment_intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(_stable_id("fake_re", idempotency_key), amount, "succeeded")

    def retrieve_payment(self, payment_intent_id: str) -> PaymentState:
        raise PaymentError("the fake gateway keeps no payments: nothing to check against")

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        raise InvalidWebhook("the fake gateway sends no webhooks")

    # -- cards on file: a test card, 4242, saved by the fake pages, and every charge succeeds

    def create_setup_checkout(self, request: SetupRequest) -> CheckoutSession:
        session_id = _stable_id("fake_cs", request.idempotency_key)
        return CheckoutSession(
            id=session_id, url=url_for("booking.fake_card_setup", session_id=session_id)
        )

    def saved_card(self, state: CheckoutState) -> SavedCard | None:
        if state.status != "complete":
            return None
        return SavedCard(
            customer_id=_stable_id("fake_cus", state.session_id),
            payment_method_id=_stable_id("fake_pm", state.session_id),
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=2034,
        )

    def charge_off_session(self, request: OffSessionCharge) -> ChargeResult:
        return ChargeResult("succeeded", _stable_id("fake_pi", request.idempotency_key))

    # -- memberships: the shop's own test page pays the first month; nothing renews

    def create_subscription_checkout(self, request: SubscriptionCheckoutRequest) -> CheckoutSession:
        session_id = _stable_id("fake_cs", request.idempotency_key)
        return CheckoutSession(id=session_id, url=request.success_url)

    def retrieve_subscription(self, subscription_id: str) -> SubscriptionState:
        raise PaymentError("the fake gateway keeps no subscriptions")

    def retrieve_invoice(self, invoice_id: str):
        raise PaymentError("the fake gateway keeps no invoices")

    def cancel_subscription_at_period_end(
        self, subscription_id: str, idempotency_key: str
    ) -> SubscriptionState:
        return SubscriptionState(
            id=subscription_id,
            status="active",
            customer_id=None,
            current_period_end=None,
            cancel_at_period_end=True,
            latest_invoice_id=None,
        )

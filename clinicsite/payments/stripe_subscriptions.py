"""Stripe subscriptions for memberships, through the gateway's own `StripeClient`:

- `client.v1.checkout.sessions.create({"mode": "subscription", ...}, {"idempotency_key"})`
  with a monthly `price_data.recurring` line and `subscription_data.metadata`
- `client.v1.subscriptions.retrieve(id)` and `client.v1.subscriptions.update(id,
  {"cancel_at_period_end": True}, {"idempotency_key"})`
- `client.v1.invoices.retrieve(id, {"expand": ["payments"]})`

Read for the API version the SDK pins: a subscription's period is on its items (older
versions had it on the subscription), an invoice's subscription under
`parent.subscription_details` (older: `invoice.subscription`), and the payment intent that
paid it among its `payments` (an includable field; older: `invoice.payment_intent`); both
are accepted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stripe

from clinicsite.payments.gateway import CheckoutSession, PaymentError
from clinicsite.payments.subscriptions import (
    InvoiceState,
    SubscriptionCheckoutRequest,
    SubscriptionState,
)


class StripeSubscriptions:
    """Mixed into StripeGateway: needs `self._client`, `self._fail`."""

    _client: stripe.StripeClient

    def create_subscription_checkout(self, request: SubscriptionCheckoutRequest) -> CheckoutSession:
        if request.expires_at.tzinfo is None or request.expires_at.utcoffset() is None:
            raise ValueError("SubscriptionCheckoutRequest.expires_at must be timezone-aware")
        metadata = dict(request.metadata)
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "recurring": {"interval": "month"},
                        "product_data": {"name": request.description},
                    },
                    "quantity": 1,
                }
            ],
            "customer_email": request.customer_email,
            "client_reference_id": request.reference,
            "metadata": metadata,
            "subscription_data": {"metadata": dict(metadata)},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
        }
        try:
            session = self._client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            self._fail(f"could not create a Stripe subscription checkout {request.reference}", exc)
        url = getattr(session, "url", None)
        if not session.id or not url:
            raise PaymentError(f"Stripe returned checkout session {session.id!r} without a URL")
        return CheckoutSession(id=session.id, url=url)

    def retrieve_subscription(self, subscription_id: str) -> SubscriptionState:
        try:
            sub = self._client.v1.subscriptions.retrieve(subscription_id)
        except stripe.StripeError as exc:
            self._fail(f"could not read Stripe subscription {subscription_id}", exc)
        return _subscription_state(sub)

    def cancel_subscription_at_period_end(
        self, subscription_id: str, idempotency_key: str
    ) -> SubscriptionState:
        try:
            sub = self._client.v1.subscriptions.update(
                subscription_id,
                {"cancel_at_period_end": True},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            self._fail(f"could not cancel Stripe subscription {subscription_id}", exc)
        return _subscription_state(sub)

    def retrieve_invoice(self, invoice_id: str) -> InvoiceState:
        try:
            invoice = self._client.v1.invoices.retrieve(invoice_id, {"expand": ["payments"]})
        except stripe.StripeError as exc:
            self._fail(f"could not read Stripe invoice {invoice_id}", exc)
        plain = invoice.to_dict()
        details = ((plain.get("parent") or {}).get("subscription_details")) or {}
        subscription = _id(details.get("subscription")) or _id(plain.get("subscription"))
        lines = ((plain.get("lines") or {}).get("data")) or []
        period = (lines[0].get("period") if lines else None) or {}
        currency = plain.get("currency")
        return InvoiceState(
            id=plain["id"],
            status=plain.get("status") or "draft",
            subscription_id=subscription,
            amount_paid=int(plain.get("amount_paid") or 0),
            amount_due=int(plain.get("amount_due") or 0),
            currency=currency.upper() if isinstance(currency, str) else None,
            period_start=_when(period.get("start") or plain.get("period_start")),
            period_end=_when(period.get("end") or plain.get("period_end")),
            attempted=bool(plain.get("attempted")),
            payment_intent_id=_paid_by(plain),
        )


def _paid_by(invoice: dict[str, Any]) -> str | None:
    """The payment intent of the invoice's paid payment (the last, should there be several)."""
    payments = ((invoice.get("payments") or {}).get("data")) or []
    for payment in reversed(payments):
        detail = payment.get("payment") or {}
        if payment.get("status") == "paid" and detail.get("type") == "payment_intent":
            return _id(detail.get("payment_intent"))
    return _id(invoice.get("payment_intent"))


def _subscription_state(sub: Any) -> SubscriptionState:
    plain = sub.to_dict()
    items = ((plain.get("items") or {}).get("data")) or []
    period_end = (items[0].get("current_period_end") if items else None) or plain.get(
        "current_period_end"
    )
    metadata = plain.get("metadata") or {}
    return SubscriptionState(
        id=plain["id"],
        status=plain.get("status") or "incomplete",
        customer_id=_id(plain.get("customer")),
        current_period_end=_when(period_end),
        cancel_at_period_end=bool(plain.get("cancel_at_period_end")),
        latest_invoice_id=_id(plain.get("latest_invoice")),
        metadata={str(k): str(v) for k, v in metadata.items()},
    )


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("id")
    return value or None if isinstance(value, str) else None


def _when(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) else None

"""Subscriptions for the Stripe stub (memberships): mixed into StripeStub.

    POST /v1/checkout/sessions       mode=subscription: price_data line items with
                                     recurring[interval], subscription_data[metadata];
                                     no payment_intent_data (Stripe refuses it in this mode)
    GET  /v1/subscriptions/{id}      status, customer, items.data[0].current_period_start/end
                                     (where the current API keeps the period),
                                     cancel_at_period_end, latest_invoice, metadata
    POST /v1/subscriptions/{id}      cancel_at_period_end=true|false only
    GET  /v1/invoices/{id}           status, amount_paid, amount_due, attempted, currency,
                                     parent.subscription_details.subscription, lines.data[0]
                                     .period; with expand[]=payments (an includable field,
                                     as in the current API) the invoice's payments, each
                                     naming the payment intent that took the money

Completing a subscription session (`complete_session`) makes the customer, a card, the
subscription (a month from now) and its first invoice, paid by a payment intent of its own
(readable at /v1/payment_intents/{id}, refundable like a deposit's). For what happens later, as
Stripe does on its own: `renew(sub_id)` (the next month's invoice, paid; with
`paid=False` it fails: open, attempted, the subscription past_due), `end(sub_id)` (the
subscription is deleted: status canceled). Each returns a copy of the object, ready to be
the data.object of the matching event.
"""

from __future__ import annotations

import re
from typing import Any

MONTH = 30 * 24 * 60 * 60  # the stub's month, in seconds
INTERVALS = ("day", "week", "month", "year")


class SubscriptionsStub:
    """Needs the StripeStub's `clock`, `_lock`, `_public`, `_find`, `_new_customer`,
    `_new_card`, `_expiry`, `sessions`, `_session_extra`, `default_card`, `payment_intents`,
    `_refunded`."""

    subscriptions: dict[str, dict[str, Any]]
    invoices: dict[str, dict[str, Any]]

    # -- creating the session --

    def _create_subscription_session(
        self, params: dict[str, Any], success_url: str, customer: str | None
    ) -> dict[str, Any]:
        from tests.support.stripe_stub import StubError, _metadata, _new_id, _positive_int

        if "payment_intent_data" in params:
            raise StubError(
                400,
                "You can not pass `payment_intent_data` in `subscription` mode.",
                param="payment_intent_data",
            )
        items = params.get("line_items")
        if not isinstance(items, list) or len(items) != 1:
            raise StubError(400, "The stub takes one line item.", param="line_items")
        price = (items[0] or {}).get("price_data") or {}
        amount = _positive_int(price.get("unit_amount"), "line_items[0][price_data][unit_amount]")
        quantity = _positive_int(items[0].get("quantity"), "line_items[0][quantity]")
        interval = (price.get("recurring") or {}).get("interval")
        if interval not in INTERVALS:
            raise StubError(
                400,
                "You must specify `recurring` in `price_data` in `subscription` mode.",
                param="line_items[0][price_data][recurring]",
            )
        currency = str(price.get("currency", ""))
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise StubError(400, f"Invalid currency: {currency!r}", param="currency")
        if not (price.get("product_data") or {}).get("name"):
            raise StubError(400, "Missing required param: product_data[name].")
        email = params.get("customer_email")
        if email is not None and "@" not in email:
            raise StubError(400, f"Invalid email address: {email}", param="customer_email")
        sub_data = params.get("subscription_data") or {}
        session_id = _new_id("cs_test_")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount * quantity,
            "amount_total": amount * quantity,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": int(self.clock()),
            "currency": currency,
            "customer": customer,
            "customer_details": None,
            "customer_email": email,
            "expires_at": self._expiry(params),
            "invoice": None,
            "livemode": False,
            "metadata": _metadata(params.get("metadata"), "metadata"),
            "mode": "subscription",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "subscription": None,
            "success_url": success_url,
            "url": self.checkout_url.format(id=session_id),
        }
        self.sessions[session_id] = session
        self._session_extra[session_id] = {
            "line_items": items,
            "payment_intent_metadata": {},
            "subscription_metadata": _metadata(
                sub_data.get("metadata"), "subscription_data[metadata]"
            ),
            "interval": interval,
        }
        return self._public(session)

    def _complete_subscription(self, session: dict[str, Any], card: str | None) -> dict:
        from tests.support.stripe_stub import _new_id

        extra = self._session_extra[session["id"]]
        if session["customer"] is None:
            session["customer"] = self._new_customer(session["customer_email"], None, {})["id"]
        method_id = self._new_card(card or self.default_card, session["customer"])
        now = int(self.clock())
        sub_id = _new_id("sub_test_")
        self.subscriptions[sub_id] = {
            "id": sub_id,
            "object": "subscription",
            "cancel_at_period_end": False,
            "canceled_at": None,
            "created": now,
            "currency": session["currency"],
            "customer": session["customer"],
            "default_payment_method": method_id,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _new_id("si_test_"),
                        "object": "subscription_item",
                        "current_period_start": now,
                        "current_period_end": now + MONTH,
                        "price": {
                            "unit_amount": session["amount_total"],
                            "currency": session["currency"],
                            "recurring": {"interval": extra["interval"]},
                        },
                        "quantity": 1,
                    }
                ],
            },
            "latest_invoice": None,
            "livemode": False,
            "metadata": dict(extra["subscription_metadata"]),
            "status": "active",
        }
        invoice = self._new_invoice(sub_id, now, now + MONTH, paid=True)
        session.update(
            status="complete",
            payment_status="paid",
            subscription=sub_id,
            invoice=invoice["id"],
            url=None,
            customer_details={"email": session["customer_email"], "name": None},
        )
        return self._public(session)

    def _new_invoice(self, sub_id: str, start: int, end: int, paid: bool) -> dict[str, Any]:
        from tests.support.stripe_stub import _new_id

        sub = self.subscriptions[sub_id]
        amount = sub["items"]["data"][0]["price"]["unit_amount"]
        invoice_id = _new_id("in_test_")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "amount_remaining": 0 if paid else amount,
            "attempted": True,
            "billing_reason": "subscription_cycle"
            if sub["latest_invoice"]
            else "subscription_create",
            "created": int(self.clock()),
            "currency": sub["currency"],
            "customer": sub["customer"],
            "lines": {
                "object": "list",
                "data": [
                    {
                        "id": _new_id("il_test_"),
                        "object": "line_item",
                        "amount": amount,
                        "period": {"start": start, "end": end},
                    }
                ],
            },
            "livemode": False,
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub_id, "metadata": sub["metadata"]},
            },
            "period_start": start,
            "period_end": end,
            "status": "paid" if paid else "open",
            "payments": {"object": "list", "data": []},
        }
        self.invoices[invoice_id] = invoice
        sub["latest_invoice"] = invoice_id
        if paid:
            self._pay(invoice)
        return invoice

    def _pay(self, invoice: dict[str, Any]) -> None:
        """The payment intent that takes an invoice's amount, listed in its payments."""
        from tests.support.stripe_stub import _new_id

        sub = self.subscriptions[invoice["parent"]["subscription_details"]["subscription"]]
        pi_id = _new_id("pi_test_")
        self.payment_intents[pi_id] = {
            "id": pi_id,
            "object": "payment_intent",
            "amount": invoice["amount_due"],
            "amount_received": invoice["amount_due"],
            "currency": invoice["currency"],
            "created": int(self.clock()),
            "customer": invoice["customer"],
            "livemode": False,
            "metadata": {},
            "payment_method": sub["default_payment_method"],
            "status": "succeeded",
        }
        self._refunded[pi_id] = 0
        invoice["payments"]["data"].append(
            {
                "id": _new_id("inpay_test_"),
                "object": "invoice_payment",
                "amount_paid": invoice["amount_due"],
                "currency": invoice["currency"],
                "invoice": invoice["id"],
                "is_default": True,
                "payment": {"type": "payment_intent", "payment_intent": pi_id},
                "status": "paid",
            }
        )

    # -- what Stripe does later, by itself --

    def renew(self, sub_id: str, paid: bool = True) -> dict:
        """The next period's invoice: paid (the period moves on) or failed (past_due)."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            item = sub["items"]["data"][0]
            start, end = item["current_period_end"], item["current_period_end"] + MONTH
            invoice = self._new_invoice(sub_id, start, end, paid=paid)
            if paid:
                item.update(current_period_start=start, current_period_end=end)
                sub["status"] = "active"
            else:
                sub["status"] = "past_due"
            return self._public(invoice)

    def pay_invoice(self, invoice_id: str) -> dict:
        """A failed invoice paid on a later retry."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
            self._pay(invoice)
            sub = self.subscriptions[invoice["parent"]["subscription_details"]["subscription"]]
            item = sub["items"]["data"][0]
            period = invoice["lines"]["data"][0]["period"]
            item.update(current_period_start=period["start"], current_period_end=period["end"])
            sub["status"] = "active"
            return self._public(invoice)

    def end(self, sub_id: str) -> dict:
        """The subscription is deleted (its period ran out after a cancel, or staff ended it
        in the dashboard): status canceled."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            sub.update(status="canceled", canceled_at=int(self.clock()))
            return self._public(sub)

    def subscription(self, sub_id: str) -> dict:
        with self._lock:
            return self._public(self.subscriptions[sub_id])

    # -- the API --

    def _route_billing(self, req) -> tuple[int, dict[str, Any]] | None:
        from tests.support.stripe_stub import StubError

        m, p = req.method, req.path
        if match := re.fullmatch(r"/v1/subscriptions/([^/]+)", p):
            sub = self._find(self.subscriptions, match[1], "subscription")
            if m == "GET":
                return 200, self._public(sub)
            if m == "POST":
                unknown = set(req.params) - {"cancel_at_period_end"}
                if unknown:
                    raise StubError(400, f"The stub updates only cancel_at_period_end: {unknown}")
                flag = req.params.get("cancel_at_period_end")
                if flag not in ("true", "false"):
                    raise StubError(400, "Invalid boolean", param="cancel_at_period_end")
                if sub["status"] == "canceled":
                    raise StubError(
                        400,
                        "A canceled subscription can only update its cancellation_details "
                        "and metadata.",
                    )
                sub["cancel_at_period_end"] = flag == "true"
                return 200, self._public(sub)
        if match := re.fullmatch(r"/v1/invoices/([^/]+)", p):
            if m == "GET":
                invoice = self._public(self._find(self.invoices, match[1], "invoice"))
                expand = req.params.get("expand")
                wanted = expand if isinstance(expand, list) else ([expand] if expand else [])
                if unknown := set(wanted) - {"payments"}:
                    raise StubError(400, f"This property cannot be expanded ({unknown}).")
                if "payments" not in wanted:
                    del invoice["payments"]  # includable: shown only when asked for
                return 200, invoice
        return None

"""The PaymentGateway backed by Stripe Checkout, through the official `stripe` SDK.

Everything goes through one `stripe.StripeClient` owned by the gateway (never the module-level
`stripe.api_key`), with the v1 services of the current SDK:

- `client.v1.checkout.sessions.create(params, {"idempotency_key": ...})`
- `client.v1.checkout.sessions.expire(session_id)`
- `client.v1.checkout.sessions.retrieve(session_id)` (what a webhook's session really is)
- `client.v1.refunds.create(params, {"idempotency_key": ...})`
- cards on file (issue 14): `client.v1.customers.create`, a `mode="setup"` session,
  `client.v1.setup_intents.retrieve`, `client.v1.payment_intents.retrieve`,
  `client.v1.payment_methods.retrieve` and `client.v1.payment_intents.create` with
  `off_session=True, confirm=True` (a decline or a request to authenticate comes back as a
  ChargeResult, not an error)
- the ledger's check: `client.v1.payment_intents.retrieve(id, {"expand": ["latest_charge"]})`
  (amount_received, and the charge's amount_refunded)
- `client.construct_event(payload, signature_header, webhook_secret)` for webhooks

Every `stripe.StripeError` (connection errors included) comes out as `PaymentError` with
Stripe's message and the original exception chained; a webhook that does not check out comes
out as `InvalidWebhook`. The API key never appears in a message or a log line.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any, NoReturn

import stripe

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
from clinicsite.payments.stripe_subscriptions import StripeSubscriptions

log = logging.getLogger(__name__)

# Seconds a webhook's signed timestamp may be old (the SDK's default, 5 minutes).
WEBHOOK_TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE
# Stripe's events nest a few levels deep; far deeper JSON is hostile (and would exhaust
# Python's recursion while being parsed).
MAX_WEBHOOK_DEPTH = 32
# Ids as Stripe makes them ("evt_1Nb...", "cs_test_..."): printable ASCII, no spaces, and
# short enough for our columns (a NUL or an over-long id would break the INSERT on PostgreSQL).
PROVIDER_ID = re.compile(r"[!-~]{1,255}")
# A JSON string (an unterminated one runs to the end) or a bracket: one pass, no backtracking.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


class StripeGateway(StripeSubscriptions):
    """Deposits through Stripe Checkout (hosted page, mode "payment"); memberships' monthly
    subscriptions come from StripeSubscriptions (stripe_subscriptions.py)."""

    name = "stripe"

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        max_network_retries: int = 2,
        *,
        timeout: float = 30.0,
    ) -> None:
        """`api_base` points the API at another origin (tests use a local stub); None means
        Stripe itself. `timeout` is seconds per HTTP attempt (the SDK's own default is 80)."""
        if not api_key or not api_key.strip():
            raise ValueError("a Stripe API key is required")
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        # Our own HTTP client (the SDK's default kind, requests), so that close() can end it.
        self._http = stripe.RequestsClient(timeout=timeout)
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=self._http,
        )

    def __repr__(self) -> str:  # no key in reprs, tracebacks or debug pages
        return f"<StripeGateway name={self.name!r}>"

    def close(self) -> None:
        """Close the pooled HTTP connections of the calling thread (optional; for tests)."""
        self._http.close()

    # -- checkout -----------------------------------------------------------------------------

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        if request.expires_at.tzinfo is None or request.expires_at.utcoffset() is None:
            raise ValueError("CheckoutRequest.expires_at must be timezone-aware")
        metadata = dict(request.metadata) or {"appointment_id": request.reference}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.description},
                    },
                    "quantity": 1,
                }
            ],
            "customer_email": request.customer_email,
            "client_reference_id": request.reference,
            "metadata": metadata,
            "payment_intent_data": {"metadata": dict(metadata)},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
        }
        if request.save_card:
            # Checkout makes the Customer itself once the client pays (no Customer for a
            # hold given up) and keeps the card on it for charges without the client.
            params["customer_creation"] = "always"
            params["payment_intent_data"]["setup_future_usage"] = "off_session"
        try:
            session = self._client.v1.checkout.sessions.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            self._fail(f"could not create a Stripe checkout for {request.reference}", exc)
        url = getattr(session, "url", None)
        if not session.id or not url:
            raise PaymentError(f"Stripe returned checkout session {session.id!r} without a URL")
        return CheckoutSession(id=session.id, url=url)

    def expire_checkout(self, session_id: str) -> None:
        try:
            self._client.v1.checkout.sessions.expire(session_id)
        except stripe.InvalidRequestError as exc:
            if exc.code == "resource_missing":
                what = f"Stripe has no checkout session {session_id}"
            else:
                what = (
                    f"checkout session {session_id} could not be expired: it is no longer open "
                    "(already paid or already expired)"
                )
            self._fail(what, exc)
        except stripe.StripeError as exc:
            self._fail(f"could not expire Stripe checkout session {session_id}", exc)

    def retrieve_checkout(self, session_id: str) -> CheckoutState:
        try:
            session = self._client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as exc:
            self._fail(f"could not read Stripe checkout session {session_id}", exc)
        intent = getattr(session, "payment_intent", None)
        if intent is not None and not isinstance(intent, str):  # expanded
            intent = intent.id
        currency = getattr(session, "currency", None)
        metadata = getattr(session, "metadata", None)
        return CheckoutState(
            session_id=session.id,
            status=getattr(session, "status", None) or "open",
            payment_status=getattr(session, "payment_status", None) or "unpaid",
            amount=getattr(session, "amount_total", None),
            currency=currency.upper() if isinstance(currency, str) else None,
            payment_intent_id=intent,
            mode=getattr(session, "mode", None) or "payment",
            customer_id=_id_of(getattr(session, "customer", None)),
            setup_intent_id=_id_of(getattr(session, "setup_intent", None)),
            subscription_id=_id_of(getattr(session, "subscription", None)),
            metadata={str(k): str(v) for k, v in (_plain(metadata) or {}).items()},
        )

    # -- cards on file ------------------------------------------------------------------------

    def create_setup_checkout(self, request: SetupRequest) -> CheckoutSession:
        if request.expires_at.tzinfo is None or request.expires_at.utcoffset() is None:
            raise ValueError("SetupRequest.expires_at must be timezone-aware")
        metadata = dict(request.metadata) or {"card_setup": request.reference}
        customer_id = request.customer_id
        try:
            if not customer_id:
                # Setup mode saves the card to the session's Customer: made first, once
                # (its own key, derived from the session's).
                customer = self._client.v1.customers.create(
                    {
                        "email": request.customer_email,
                        "name": request.customer_name,
                        "metadata": dict(metadata),
                    },
                    {"idempotency_key": f"{request.idempotency_key}-customer"},
                )
                customer_id = customer.id
            session = self._client.v1.checkout.sessions.create(
                {
                    "mode": "setup",
                    "currency": request.currency.lower(),
                    "customer": customer_id,
                    "client_reference_id": request.reference,
                    "metadata": metadata,
                    "setup_intent_data": {"metadata": dict(metadata)},
                    "success_url": request.success_url,
                    "cancel_url": request.cancel_url,
                    "expires_at": int(request.expires_at.timestamp()),
                },
                {"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as exc:
            self._fail(f"could not create a Stripe card setup for {request.reference}", exc)
        url = getattr(session, "url", None)
        if not session.id or not url:
            raise PaymentError(f"Stripe returned checkout session {session.id!r} without a URL")
        return CheckoutSession(id=session.id, url=url)

    def saved_card(self, state: CheckoutState) -> SavedCard | None:
        if state.status != "complete":
            return None
        try:
            if state.mode == "setup":
                if not state.setup_intent_id:
                    return None
                intent = self._client.v1.setup_intents.retrieve(state.setup_intent_id)
                if getattr(intent, "status", None) != "succeeded":
                    return None
            else:
                if not state.payment_intent_id:
                    return None
                intent = self._client.v1.payment_intents.retrieve(state.payment_intent_id)
                if getattr(intent, "status", None) != "succeeded":
                    return None
                if getattr(intent, "setup_future_usage", None) != "off_session":
                    return None  # paid, but the card was not saved for later
            method_id = _id_of(getattr(intent, "payment_method", None))
            customer_id = _id_of(getattr(intent, "customer", None)) or state.customer_id
            if not method_id or not customer_id:
                return None
            method = self._client.v1.payment_methods.retrieve(method_id)
        except stripe.StripeError as exc:
            self._fail(f"could not read the card saved by {state.session_id}", exc)
        card = getattr(method, "card", None)
        if card is None:
            return None
        return SavedCard(
            customer_id=customer_id,
            payment_method_id=method.id,
            brand=str(getattr(card, "brand", "") or "")[:20],
            last4=str(getattr(card, "last4", "") or "")[:4],
            exp_month=getattr(card, "exp_month", None),
            exp_year=getattr(card, "exp_year", None),
        )

    def charge_off_session(self, request: OffSessionCharge) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "customer": request.customer_id,
            "payment_method": request.payment_method_id,
            "off_session": True,
            "confirm": True,
            "description": request.description,
            "metadata": dict(request.metadata),
        }
        try:
            intent = self._client.v1.payment_intents.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.CardError as exc:
            error = exc.error
            intent_id = _id_of(getattr(error, "payment_intent", None)) if error else None
            code = exc.code or ""
            message = exc.user_message or "The card was declined."
            if code == "authentication_required":
                return ChargeResult("requires_action", intent_id, message, code)
            decline = getattr(error, "decline_code", None) if error else None
            return ChargeResult("declined", intent_id, message, decline or code)
        except stripe.StripeError as exc:
            self._fail(f"could not charge {request.amount} to a saved card", exc)
        status = getattr(intent, "status", None)
        if status == "succeeded":
            return ChargeResult("succeeded", intent.id)
        if status in ("requires_action", "requires_payment_method", "requires_confirmation"):
            return ChargeResult(
                "requires_action", intent.id, "The bank asks the client to confirm.", status
            )
        return ChargeResult("processing", intent.id, f"The payment is {status}.", status or "")

    # -- refunds ------------------------------------------------------------------------------

    def refund(self, payment_intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        try:
            refund = self._client.v1.refunds.create(
                {"payment_intent": payment_intent_id, "amount": amount},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            self._fail(f"could not refund {amount} of {payment_intent_id}", exc)
        return RefundResult(id=refund.id, amount=refund.amount, status=refund.status)

    def retrieve_payment(self, payment_intent_id: str) -> PaymentState:
        try:
            intent = self._client.v1.payment_intents.retrieve(
                payment_intent_id, {"expand": ["latest_charge"]}
            )
        except stripe.StripeError as exc:
            self._fail(f"could not read Stripe payment intent {payment_intent_id}", exc)
        charge = getattr(intent, "latest_charge", None)
        refunded = getattr(charge, "amount_refunded", 0) if charge is not None else 0
        currency = getattr(intent, "currency", None)
        return PaymentState(
            payment_intent_id=intent.id,
            status=getattr(intent, "status", None) or "",
            amount_received=int(getattr(intent, "amount_received", 0) or 0),
            amount_refunded=int(refunded or 0) if not isinstance(charge, str) else 0,
            currency=currency.upper() if isinstance(currency, str) else None,
        )

    # -- webhooks -----------------------------------------------------------------------------

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        """Check the Stripe-Signature header against the raw body (as received, before any
        parsing), then read the event. Raises InvalidWebhook for a missing or malformed header,
        a wrong signature, a timestamp older than WEBHOOK_TOLERANCE, a body that is not UTF-8
        JSON, JSON nested deeper than MAX_WEBHOOK_DEPTH, or an event without an id (of
        PROVIDER_ID's shape), a type or a data.object."""
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        try:
            text = bytes(payload).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidWebhook("webhook body is not UTF-8") from exc
        try:
            # The signature first, so that only Stripe's bodies get read any further.
            stripe.WebhookSignature.verify_header(
                text, signature_header or None, self._webhook_secret, WEBHOOK_TOLERANCE
            )
            if _depth(text) > MAX_WEBHOOK_DEPTH:
                raise InvalidWebhook(f"webhook body is nested deeper than {MAX_WEBHOOK_DEPTH}")
            event = self._client.construct_event(
                text, signature_header or None, self._webhook_secret, WEBHOOK_TOLERANCE
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(f"webhook signature rejected: {exc.user_message}") from exc
        except json.JSONDecodeError as exc:
            raise InvalidWebhook("webhook body is not JSON") from exc
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            raise InvalidWebhook("webhook body is not a Stripe event") from exc

        body = _plain(event)
        if not isinstance(body, dict):
            raise InvalidWebhook("webhook body is not a Stripe event")
        event_id, event_type = body.get("id"), body.get("type")
        if not isinstance(event_id, str) or not event_id:
            raise InvalidWebhook("webhook event has no id")
        if not PROVIDER_ID.fullmatch(event_id):
            raise InvalidWebhook("webhook event id is not a Stripe id (printable, 1-255 chars)")
        if not isinstance(event_type, str) or not event_type:
            raise InvalidWebhook("webhook event has no type")
        data = body.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        if not isinstance(obj, dict):
            raise InvalidWebhook(f"webhook event {event_id} has no data.object")
        return WebhookEvent(id=event_id, type=event_type, data=obj)

    # -- helpers ------------------------------------------------------------------------------

    def _fail(self, what: str, exc: stripe.StripeError) -> NoReturn:
        detail = exc.user_message or type(exc).__name__
        message = self._redact(f"{what}: {detail}")
        log.warning(
            "Stripe error (%s, http %s, request %s): %s",
            type(exc).__name__,
            exc.http_status,
            exc.request_id,
            message,
        )
        raise PaymentError(message) from exc

    def _redact(self, text: str) -> str:
        # Stripe masks keys in its own messages; this is a second line of defence.
        key = self._api_key.strip()
        return text.replace(key, "[redacted]") if len(key) >= 8 else text


def _depth(text: str) -> int:
    """How deep the JSON in `text` nests arrays and objects (brackets inside strings do not
    count); no parsing, so no recursion, whatever the input."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def _id_of(value: Any) -> str | None:
    """An id whether Stripe gave the object's id or the object itself (expanded)."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        return value.get("id")
    return getattr(value, "id", None)


def _plain(value: Any) -> Any:
    """Turn a StripeObject (and anything nested in it) into plain dicts and lists."""
    if isinstance(value, stripe.StripeObject):
        value = value.to_dict(recursive=False)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value

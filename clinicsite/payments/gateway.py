"""The one interface the booking code uses to take and return deposits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class PaymentError(Exception):
    """The provider could not do what was asked (unreachable, refused, misconfigured)."""


class InvalidWebhook(Exception):
    """A webhook whose signature or body does not check out."""


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # our appointment id: metadata["appointment_id"] and client_reference_id
    amount: int  # minor units, computed on the server
    currency: str  # ISO 4217, any case
    description: str  # the line the client sees, e.g. "Deposit: Neuromuscular Therapy, 60 min"
    customer_email: str
    success_url: str
    cancel_url: str
    expires_at: datetime  # aware; the end of the hold
    idempotency_key: str
    # What the checkout is for, when not an appointment's deposit ({"gift_card_order": "12"}):
    # replaces {"appointment_id": reference} as the session's and the payment's metadata.
    metadata: dict[str, str] = field(default_factory=dict)
    # Keep the card for later fees (issue 14): the checkout creates a Customer and saves the
    # card to it (payment_intent_data.setup_future_usage = "off_session").
    save_card: bool = False


@dataclass(frozen=True)
class SetupRequest:
    """A checkout that only saves a card (Stripe's mode "setup"), for a client who agreed to
    the clinic's fees when there is no deposit to pay."""

    reference: str  # our card setup's token: client_reference_id
    currency: str
    customer_email: str
    customer_name: str
    success_url: str
    cancel_url: str
    expires_at: datetime  # aware
    idempotency_key: str  # the Customer's key is derived from it
    customer_id: str | None = None  # the client's Stripe customer, when they have one
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedCard:
    """A card kept with the provider for later charges: never its number."""

    customer_id: str
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


@dataclass(frozen=True)
class OffSessionCharge:
    """Charge a saved card while the client is not there (a fee)."""

    customer_id: str
    payment_method_id: str
    amount: int  # minor units, computed on the server
    currency: str
    description: str
    idempotency_key: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeResult:
    """What the provider answered: "succeeded", "declined" (the bank said no),
    "requires_action" (the bank wants the client to authenticate) or "processing"."""

    status: str
    payment_intent_id: str | None
    message: str = ""
    code: str = ""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class RefundResult:
    id: str
    amount: int
    status: str


@dataclass(frozen=True)
class CheckoutState:
    """What the provider itself says about a checkout: the source of truth for fulfilment,
    whatever a webhook's body claimed and in whatever order the events came."""

    session_id: str
    status: str  # "open", "complete" or "expired"
    payment_status: str  # "paid"; "unpaid" (a delayed method may still pay); "no_payment_required"
    amount: int | None  # minor units actually charged (amount_total)
    currency: str | None  # ISO 4217, upper case
    payment_intent_id: str | None
    # Read back for cards on file (issue 14); the defaults keep older callers working.
    mode: str = "payment"  # or "setup"
    customer_id: str | None = None
    setup_intent_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    subscription_id: str | None = None  # mode "subscription" (memberships)

    @property
    def paid(self) -> bool:
        return self.payment_status == "paid"


@dataclass(frozen=True)
class PaymentState:
    """A payment intent as the provider holds it now: what it took and what it gave back
    (for the ledger's check against the provider)."""

    payment_intent_id: str
    status: str  # "succeeded", "requires_payment_method", "processing", ...
    amount_received: int  # minor units
    amount_refunded: int  # minor units, refunds of the payment's charge so far
    currency: str | None  # ISO 4217, upper case


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    data: dict[str, Any] = field(default_factory=dict)  # the event's data.object


class PaymentGateway(Protocol):
    name: str

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Create a hosted checkout for a deposit. Raises PaymentError."""
        ...

    def expire_checkout(self, session_id: str) -> None:
        """Make an unpaid checkout unusable (the hold was given up). Raises PaymentError."""
        ...

    def retrieve_checkout(self, session_id: str) -> CheckoutState:
        """The checkout as the provider has it now. Raises PaymentError."""
        ...

    def refund(self, payment_intent_id: str, amount: int, idempotency_key: str) -> RefundResult:
        """Refund `amount` of a captured payment. Raises PaymentError."""
        ...

    def retrieve_payment(self, payment_intent_id: str) -> PaymentState:
        """A payment intent as the provider has it now: amount received and refunded.
        Raises PaymentError (also for an intent the provider does not know)."""
        ...

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        """Verify the signature on the raw body and parse it. Raises InvalidWebhook."""
        ...

    # -- cards on file (issue 14) --

    def create_setup_checkout(self, request: SetupRequest) -> CheckoutSession:
        """A hosted checkout that saves a card to the client's Customer (made first when
        they have none). Raises PaymentError."""
        ...

    def saved_card(self, state: CheckoutState) -> SavedCard | None:
        """The card a completed checkout saved for later (read back from its setup or
        payment intent and payment method), or None when it saved none. Raises
        PaymentError."""
        ...

    def charge_off_session(self, request: OffSessionCharge) -> ChargeResult:
        """Charge a saved card off-session. A decline or a request to authenticate is a
        result, not an error; PaymentError is for the provider failing."""
        ...

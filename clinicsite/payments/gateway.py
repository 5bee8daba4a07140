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

    @property
    def paid(self) -> bool:
        return self.payment_status == "paid"


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

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        """Verify the signature on the raw body and parse it. Raises InvalidWebhook."""
        ...

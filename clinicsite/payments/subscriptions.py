"""What the gateway says about subscriptions (memberships): a checkout that starts one, and
the subscription and its invoices as the provider holds them now. The webhooks only say
that something changed; these are what the site acts on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SubscriptionCheckoutRequest:
    """A hosted checkout in mode "subscription": `amount` every month from now on."""

    reference: str  # our membership's token: client_reference_id
    amount: int  # a month, in minor units, computed on the server
    currency: str
    description: str  # the plan's name, as the client sees it on the page and the invoices
    customer_email: str
    success_url: str
    cancel_url: str
    expires_at: datetime  # aware
    idempotency_key: str
    # On the session and on the subscription it makes (subscription_data.metadata), so an
    # invoice read before the checkout's own event still finds its membership.
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscriptionState:
    id: str
    status: str  # "active", "past_due", "unpaid", "canceled", "incomplete", ...
    customer_id: str | None
    current_period_end: datetime | None  # aware UTC
    cancel_at_period_end: bool
    latest_invoice_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        return self.status in ("canceled", "incomplete_expired")


@dataclass(frozen=True)
class InvoiceState:
    id: str
    status: str  # "paid", "open", "void", "uncollectible", "draft"
    subscription_id: str | None
    amount_paid: int  # minor units
    amount_due: int
    currency: str | None  # upper case
    period_start: datetime | None  # the service period its subscription line covers (UTC)
    period_end: datetime | None
    attempted: bool = False
    payment_intent_id: str | None = None  # what took the money of a paid invoice

    @property
    def paid(self) -> bool:
        return self.status == "paid"

"""The ledger of money that went through Stripe, and its check against Stripe's own totals.

`ledger()` reads every row that recorded money taken or given back by the provider:

- deposits: `Payment` rows of provider "stripe" that were paid (status paid or refunded),
  with their `Refund` rows (gift-card-paid deposits, provider "gift_card", never touch
  Stripe and are left out);
- gift cards bought online: `GiftCardOrder` rows of provider "stripe" that were paid,
  with their `amount_refunded`;
- packages: `PackagePurchase` rows paid through the provider (a payment intent, no longer
  pending), with their `amount_refunded` (package refunds keep no rows of their own);
- membership months: the `PackagePurchase` rows each paid invoice of a membership grants,
  with the payment intent that paid the invoice;
- fees: `FeeCharge` rows that reached the provider (a payment intent: a declined or
  unconfirmed charge took nothing, which Stripe must agree with), with their `FeeRefund`
  rows.

Rows the fake gateway made (payment intents "fake_pi_...") are not Stripe's and are left
out. The result is one `IntentLedger` per payment intent: what we recorded as taken and as
refunded, and what it was for.

`reconcile()` asks the gateway for each intent's amount received and refunded and lists,
in words, every intent where the two do not agree (and every intent the provider could not
show us), with the totals of both sides by currency.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    FeeCharge,
    FeeRefund,
    GiftCardOrder,
    PackagePurchase,
    Payment,
    Refund,
)
from clinicsite.money import format_money
from clinicsite.payments.gateway import PaymentError, PaymentGateway

STRIPE = "stripe"
FAKE_PREFIX = "fake_"


@dataclass
class IntentLedger:
    """What we recorded for one payment intent (minor units)."""

    payment_intent_id: str
    currency: str
    taken: int = 0
    refunded: int = 0
    purposes: list[str] = field(default_factory=list)

    @property
    def held(self) -> int:
        return self.taken - self.refunded

    @property
    def purpose(self) -> str:
        return "; ".join(self.purposes)


@dataclass(frozen=True)
class Totals:
    taken: int
    refunded: int

    @property
    def held(self) -> int:
        return self.taken - self.refunded


@dataclass
class Reconciliation:
    lines: list[IntentLedger]
    ours: dict[str, Totals]  # by currency
    provider: dict[str, Totals]  # by currency, of the intents the provider showed us
    mismatches: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def ledger(since: datetime | None = None) -> list[IntentLedger]:
    """Every payment intent our rows say went through Stripe, in the order first met
    (deposits, gift card orders, packages and membership months, fees); `since` keeps the
    rows made from then on."""
    by_intent: dict[str, IntentLedger] = {}

    def add(intent: str, currency: str, taken: int, refunded: int, purpose: str) -> None:
        line = by_intent.get(intent)
        if line is None:
            line = by_intent[intent] = IntentLedger(intent, currency.upper())
        elif line.currency != currency.upper():
            line.purposes.append(f"(also recorded in {currency.upper()})")
        line.taken += taken
        line.refunded += refunded
        line.purposes.append(purpose)

    def recent(column):
        return sa.true() if since is None else column >= since

    refunded_by_payment = dict(
        db.session.execute(
            sa.select(Refund.payment_id, sa.func.sum(Refund.amount)).group_by(Refund.payment_id)
        ).all()
    )
    payments = db.session.scalars(
        sa.select(Payment)
        .where(
            Payment.provider == STRIPE,
            Payment.payment_intent_id.is_not(None),
            Payment.status.in_(("paid", "refunded")),
            recent(Payment.created_at),
        )
        .order_by(Payment.id)
    )
    for payment in payments:
        add(
            payment.payment_intent_id or "",
            payment.currency,
            payment.amount,
            int(refunded_by_payment.get(payment.id) or 0),
            f"deposit of appointment {payment.appointment_id}",
        )

    orders = db.session.scalars(
        sa.select(GiftCardOrder)
        .where(
            GiftCardOrder.provider == STRIPE,
            GiftCardOrder.payment_intent_id.is_not(None),
            GiftCardOrder.status.in_(("paid", "refunded")),
            recent(GiftCardOrder.created_at),
        )
        .order_by(GiftCardOrder.id)
    )
    for order in orders:
        add(
            order.payment_intent_id or "",
            order.currency,
            order.amount,
            order.amount_refunded,
            f"gift card order {order.id}",
        )

    purchases = db.session.scalars(
        sa.select(PackagePurchase)
        .where(
            PackagePurchase.payment_intent_id.is_not(None),
            sa.not_(PackagePurchase.payment_intent_id.startswith(FAKE_PREFIX)),
            PackagePurchase.status != "pending",
            recent(PackagePurchase.created_at),
        )
        .order_by(PackagePurchase.id)
    )
    for purchase in purchases:
        add(
            purchase.payment_intent_id or "",
            purchase.currency,
            purchase.amount,
            purchase.amount_refunded,
            f"membership month {purchase.id} (invoice {purchase.invoice_id})"
            if purchase.membership_id is not None
            else f"package purchase {purchase.id}",
        )

    fee_refunds = dict(
        db.session.execute(
            sa.select(FeeRefund.fee_charge_id, sa.func.sum(FeeRefund.amount)).group_by(
                FeeRefund.fee_charge_id
            )
        ).all()
    )
    fees = db.session.scalars(
        sa.select(FeeCharge)
        .where(
            FeeCharge.payment_intent_id.is_not(None),
            sa.not_(FeeCharge.payment_intent_id.startswith(FAKE_PREFIX)),
            recent(FeeCharge.created_at),
        )
        .order_by(FeeCharge.id)
    )
    for fee in fees:
        kind = fee.kind.replace("_", "-")
        add(
            fee.payment_intent_id or "",
            fee.currency,
            fee.amount if fee.status == "succeeded" else 0,
            int(fee_refunds.get(fee.id) or 0),
            f"{kind} fee {fee.id} of appointment {fee.appointment_id} ({fee.status})",
        )
    return list(by_intent.values())


def totals(lines: list[IntentLedger]) -> dict[str, Totals]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        sums[line.currency][0] += line.taken
        sums[line.currency][1] += line.refunded
    return {currency: Totals(*pair) for currency, pair in sorted(sums.items())}


def reconcile(gateway: PaymentGateway, since: datetime | None = None) -> Reconciliation:
    """Our ledger against the provider's view of each payment intent. Every difference is a
    sentence in `mismatches`; the provider failing on an intent is one too."""
    lines = ledger(since)
    mismatches: list[str] = []
    provider: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        name = f"{line.payment_intent_id} ({line.purpose})"
        if line.refunded > line.taken:
            mismatches.append(
                f"{name}: we recorded {_money(line.refunded, line.currency)} refunded of "
                f"{_money(line.taken, line.currency)} taken"
            )
        try:
            state = gateway.retrieve_payment(line.payment_intent_id)
        except PaymentError as exc:
            mismatches.append(f"{name}: the provider could not show it: {exc}")
            continue
        currency = state.currency or line.currency
        provider[currency][0] += state.amount_received
        provider[currency][1] += state.amount_refunded
        if state.currency and state.currency != line.currency:
            mismatches.append(
                f"{name}: we recorded it in {line.currency}, the provider holds it in "
                f"{state.currency}"
            )
            continue
        if state.amount_received != line.taken:
            mismatches.append(
                f"{name}: we recorded {_money(line.taken, currency)} taken, the provider "
                f"received {_money(state.amount_received, currency)}"
            )
        if state.amount_refunded != line.refunded:
            mismatches.append(
                f"{name}: we recorded {_money(line.refunded, currency)} refunded, the "
                f"provider refunded {_money(state.amount_refunded, currency)}"
            )
    return Reconciliation(
        lines=lines,
        ours=totals(lines),
        provider={c: Totals(*pair) for c, pair in sorted(provider.items())},
        mismatches=mismatches,
    )


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency) if amount else "nothing"

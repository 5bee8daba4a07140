"""Buying a gift card online: the order and its hosted checkout, then the card, issued
only once the provider's own account of the checkout (read back after a signed webhook,
or the fake gateway's page in local demos) says the right amount was paid.

Like a deposit (payments/fulfilment.py): handled once, whatever order and however often
the events come; money taken for a wrong amount is refunded in full, never turned into a
card."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from clinicsite.audit import STRIPE, Actor
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.giftcards import emails, ledger
from clinicsite.models import ClinicSettings, GiftCardOrder
from clinicsite.money import format_money, minor_unit_exponent
from clinicsite.payments.gateway import CheckoutRequest, CheckoutState, PaymentGateway

# How long the checkout stays open (Stripe allows 30 minutes to 24 hours).
CHECKOUT_MINUTES = 60
# How far ahead a card may be sent to its recipient.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class OrderRequest:
    amount: int  # minor units
    buyer_name: str
    buyer_email: str
    recipient_name: str = ""
    recipient_email: str = ""
    message: str = ""
    send_on: date | None = None  # to the recipient; None or today: at once


def offered_amounts(clinic: ClinicSettings) -> list[int]:
    """The set amounts of the clinic's settings ("50, 100, 150", whole units), in minor
    units, smallest first; anything that is not a positive whole number is skipped."""
    unit = 10 ** minor_unit_exponent(clinic.currency or "USD")
    amounts = set()
    for part in (clinic.gift_card_amounts or "").split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) <= 100_000:
            amounts.add(int(part) * unit)
    return sorted(amounts)


def on_sale(clinic: ClinicSettings) -> bool:
    return bool(offered_amounts(clinic)) or custom_range(clinic) is not None


def custom_range(clinic: ClinicSettings) -> tuple[int, int] | None:
    """The (min, max) of a custom amount in minor units, or None when there is none."""
    # A clinic not set up yet (an unsaved settings row) has None here: nothing on sale.
    low, high = clinic.gift_card_min or 0, clinic.gift_card_max or 0
    return (low, high) if 0 < low <= high else None


def amount_problem(amount: int, clinic: ClinicSettings) -> str | None:
    """Why `amount` cannot be bought, or None."""
    if amount in offered_amounts(clinic):
        return None
    limits = custom_range(clinic)
    if limits is None:
        return "Please choose one of the amounts offered."
    if not limits[0] <= amount <= limits[1]:
        low, high = (format_money(x, clinic.currency) for x in limits)
        return f"Please choose an amount from {low} to {high}."
    return None


def start_order(
    request: OrderRequest,
    clinic: ClinicSettings,
    gateway: PaymentGateway,
    success_url: Callable[[str], str],
    cancel_url: str,
    now: datetime,
) -> GiftCardOrder:
    """Record the order and create its hosted checkout (its URL on the order); commits.
    `success_url(token)` is the order's page, where the provider sends the buyer back.
    The idempotency key is the order's random token: a retry creates nothing new, and a
    reset database never reuses a key. Raises PaymentError (nothing is kept then)."""
    order = GiftCardOrder(
        token=secrets.token_urlsafe(24),
        amount=request.amount,
        currency=clinic.currency.upper(),
        buyer_name=request.buyer_name,
        buyer_email=request.buyer_email,
        recipient_name=request.recipient_name,
        recipient_email=request.recipient_email,
        message=request.message,
        send_on=request.send_on,
        provider=gateway.name,
        created_at=now,
    )
    session = gateway.create_checkout(
        CheckoutRequest(
            reference=order.token,
            amount=order.amount,
            currency=order.currency,
            description=f"Gift card, {clinic.name}",
            customer_email=order.buyer_email,
            success_url=success_url(order.token),
            cancel_url=cancel_url,
            expires_at=now + timedelta(minutes=CHECKOUT_MINUTES),
            idempotency_key=f"gift-card-order-{order.token}",
            metadata={"gift_card_order": order.token},
        )
    )
    order.checkout_session_id, order.checkout_url = session.id, session.url
    db.session.add(order)
    db.session.commit()
    return order


def order_for_session(session_id: str) -> GiftCardOrder | None:
    """The order of a checkout session, locked until commit, so two events settle in turn."""
    return db.session.scalar(
        sa.select(GiftCardOrder)
        .where(GiftCardOrder.checkout_session_id == session_id)
        .with_for_update()
    )


def settler_for(session_id: str):
    """For the webhook: settle(state, gateway, now) for the order of this checkout session
    (locked), or None when it is no gift card order's."""
    order = order_for_session(session_id)
    if order is None:
        return None

    def settle(state: CheckoutState, gateway: PaymentGateway, now: datetime) -> str:
        return settle_order(order, state, gateway, now, get_clinic())

    return settle


def by_token(token: str) -> GiftCardOrder | None:
    if not isinstance(token, str) or not 0 < len(token) <= 43:
        return None
    return db.session.scalar(sa.select(GiftCardOrder).where(GiftCardOrder.token == token))


def settle_order(
    order: GiftCardOrder,
    state: CheckoutState,
    gateway: PaymentGateway,
    now: datetime,
    clinic: ClinicSettings,
) -> str:
    """Bring the order in line with the provider's `state`; returns what happened. Safe to
    call again: a card is issued once. The caller commits (or rolls back on PaymentError)."""
    if state.paid:
        if order.status in ("paid", "refunded"):
            return "already settled"
        order.status, order.paid_at = "paid", now
        order.payment_intent_id = state.payment_intent_id
        if (state.amount, state.currency) != (order.amount, order.currency):
            return _refund_wrong_amount(order, state, gateway)
        return _issue(order, clinic, now, STRIPE)
    if state.status == "expired" and order.status == "pending":
        order.status = "expired"
        return "expired"
    return "ignored" if order.status != "pending" else "awaiting payment"


def _issue(order: GiftCardOrder, clinic: ClinicSettings, now: datetime, actor: Actor) -> str:
    today = now.astimezone(clinic.tz).date()
    card = ledger.issue(
        order.amount,
        order.currency,
        actor,
        now,
        today,
        clinic.gift_card_expiry_months,
        note="bought online",
        buyer_name=order.buyer_name,
        buyer_email=order.buyer_email,
        recipient_name=order.recipient_name,
        recipient_email=order.recipient_email,
        message=order.message,
        send_on=order.send_on,
    )
    order.gift_card = card
    emails.to_buyer(card, clinic)
    emails.send_to_recipient_if_due(card, clinic, now)
    return "issued"


def _refund_wrong_amount(
    order: GiftCardOrder, state: CheckoutState, gateway: PaymentGateway
) -> str:
    note = f"paid {state.amount} {state.currency}, asked {order.amount} {order.currency}"
    if not isinstance(state.amount, int) or state.amount <= 0:
        order.status = "failed"
        order.attention = f"{note}: no card issued; check it in the provider's dashboard"
        return "flagged: wrong amount"
    order.amount, order.currency = state.amount, state.currency or order.currency
    gateway.refund(
        order.payment_intent_id or "",
        order.amount,
        idempotency_key=f"gift-card-refund-{order.token}",
    )
    order.amount_refunded, order.status = order.amount, "refunded"
    order.attention = f"{note}: refunded in full, no card issued"
    return "refunded: wrong amount"


def record_fake_payment(
    order: GiftCardOrder, gateway: PaymentGateway, now: datetime, clinic: ClinicSettings
) -> str:
    """The fake gateway's page says the order was paid: settle it as a webhook would."""
    state = CheckoutState(
        order.checkout_session_id or "",
        "complete",
        "paid",
        order.amount,
        order.currency,
        f"fake_pi_{order.token[:16]}",
    )
    return settle_order(order, state, gateway, now, clinic)

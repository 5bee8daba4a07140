"""A gift card paying a booking's deposit online.

The card's part is a Payment row of provider "gift_card" (status "paid" at once, no
checkout), linked to the card by its "redeem" entry. So appointments/deposit.py counts it
like any deposit, a card covering the whole deposit confirms the booking with no checkout,
and a card covering part leaves the checkout to ask only for the rest. Money that came off
a card goes back to that card, never to the payment provider: on a refund
(payments/fulfilment.refund sends a gift card payment here) and when the hold lapses."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa

from clinicsite import audit, notifications
from clinicsite.audit import CLIENT, SYSTEM, Actor
from clinicsite.extensions import db
from clinicsite.giftcards import ledger
from clinicsite.models import Appointment, GiftCard, GiftCardEntry, Payment, Refund
from clinicsite.payments.gateway import RefundResult

PROVIDER = "gift_card"


def problem(text: str | None, currency: str, today: date) -> str | None:
    """Why the typed code cannot pay a deposit today, in words for the client; None when it
    can (or nothing was typed)."""
    if not (text or "").strip():
        return None
    card = ledger.find(text)
    if card is None:
        return "We could not find a gift card with that code; please check it."
    if card.currency != currency.upper():
        return "That gift card is in another currency."
    try:
        ledger.usable(card, today)
    except ledger.CardRefused as refused:
        return str(refused)
    return None


def paid_by_card(appointment: Appointment) -> int:
    """What gift cards pay of the deposit now (refunds to the card taken off)."""
    return sum(
        p.amount - p.amount_refunded
        for p in appointment.payments
        if p.provider == PROVIDER and p.status in ("paid", "refunded")
    )


def apply(
    appointment: Appointment, code: str, now: datetime, today: date, actor: Actor = CLIENT
) -> bool:
    """Pay as much of a held appointment's deposit as the card `code` holds, and commit.
    Returns True when that confirmed the booking (the card covered all of it). Raises
    CardRefused (nothing changed) when the card cannot pay: another booking may have just
    used its last balance."""
    card = ledger.find(code)
    if card is None:
        raise ledger.CardRefused("We could not find a gift card with that code.")
    due = appointment.deposit - paid_by_card(appointment)
    if appointment.status != "held" or due <= 0:
        raise ledger.CardRefused("This booking has no deposit left to pay.")
    try:
        entry = ledger.redeem(
            card, due, actor, now, today, up_to=True, appointment_id=appointment.id
        )
    except ledger.CardRefused:
        db.session.rollback()
        raise
    part = -entry.amount
    payment = Payment(
        appointment=appointment,
        provider=PROVIDER,
        amount=part,
        currency=appointment.currency,
        status="paid",
        paid_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    entry.payment_id = payment.id
    before = audit.snapshot(appointment)
    confirmed = part >= due
    if confirmed:
        appointment.status, appointment.confirmed_at = "confirmed", now
        appointment.hold_expires_at = None
        notifications.booking_confirmed(appointment)
    words = "deposit paid by gift card, confirmed" if confirmed else "part paid by gift card"
    audit.record(
        appointment, words, actor, before, note=f"{part} from card ending {card.code[-4:]}"
    )
    db.session.commit()
    return confirmed


def _card_of(payment: Payment) -> GiftCard:
    entry = db.session.scalar(
        sa.select(GiftCardEntry).where(
            GiftCardEntry.payment_id == payment.id, GiftCardEntry.kind == "redeem"
        )
    )
    if entry is None:  # a gift card payment is always made with its entry (apply above)
        raise LookupError(f"payment {payment.id} has no gift card entry")
    return db.session.get(GiftCard, entry.gift_card_id)


def refund_to_card(
    payment: Payment, amount: int, reason: str, now: datetime, actor: Actor = SYSTEM
) -> RefundResult:
    """Put `amount` of a gift card payment back on its card (the ledger records it); the
    caller records the Refund row, as for any provider."""
    ledger.refund(
        _card_of(payment),
        amount,
        actor,
        now,
        appointment_id=payment.appointment_id,
        payment_id=payment.id,
        note=f"deposit refunded: {reason}",
    )
    return RefundResult(f"gift_card_re_{secrets.token_hex(12)}", amount, "succeeded")


def give_back(appointment: Appointment, reason: str, now: datetime) -> int:
    """The booking lapsed (its hold ran out, its checkout expired, its time was taken):
    whatever gift cards paid goes back on them. Returns how much; the caller commits."""
    returned = 0
    for payment in appointment.payments:
        left = payment.amount - payment.amount_refunded
        if payment.provider != PROVIDER or payment.status != "paid" or left <= 0:
            continue
        result = refund_to_card(payment, left, reason, now)
        db.session.add(
            Refund(payment=payment, provider_refund_id=result.id, amount=left, reason=reason)
        )
        payment.amount_refunded += left
        payment.status = "refunded"
        returned += left
    return returned

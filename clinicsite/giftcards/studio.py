"""A gift card at the studio: a studio payment made with one draws from the card, and
voiding that payment puts the amount back on it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.giftcards import ledger
from clinicsite.models import Appointment, GiftCard, GiftCardEntry, StudioPayment


def draw(
    code: str, amount: int, appointment: Appointment, actor: Actor, now: datetime, today
) -> GiftCardEntry:
    """Take `amount` off the card `code` names for a studio payment (linked by the caller
    once the payment has its id). Raises NotAllowed, saying why, for a wrong, void,
    expired or short card; the caller rolls back."""
    card = ledger.find(code)
    if card is None:
        raise NotAllowed("No gift card has that code; please check it.")
    if card.currency != appointment.currency.upper():
        raise NotAllowed("That gift card is in another currency.")
    try:
        return ledger.redeem(card, amount, actor, now, today, appointment_id=appointment.id)
    except ledger.CardRefused as refused:
        raise NotAllowed(str(refused)) from None


def put_back(payment: StudioPayment, actor: Actor, now: datetime, reason: str) -> None:
    """A voided studio payment made with a gift card: what it took goes back on the card."""
    entry = db.session.scalar(
        sa.select(GiftCardEntry).where(
            GiftCardEntry.studio_payment_id == payment.id, GiftCardEntry.kind == "redeem"
        )
    )
    if entry is None:
        return
    card = db.session.get(GiftCard, entry.gift_card_id)
    ledger.refund(
        card,
        -entry.amount,
        actor,
        now,
        appointment_id=payment.appointment_id,
        studio_payment_id=payment.id,
        note=f"studio payment voided: {reason}",
    )

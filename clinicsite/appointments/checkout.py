"""Paying for a held appointment: the hosted checkout for its deposit, and a fresh hold
before a late checkout. (What the provider then says is settled in payments/fulfilment.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from clinicsite.appointments.card_on_file import wants_card
from clinicsite.extensions import db
from clinicsite.giftcards import deposits as gift_card_deposits
from clinicsite.models import Appointment, ClinicSettings, Payment
from clinicsite.payments.gateway import CheckoutRequest, PaymentGateway
from clinicsite.scheduling.holds import SlotTaken, claim

# Stripe refuses a Checkout Session that expires less than 30 minutes after it is made.
MIN_CHECKOUT_MINUTES = 30


def extend_hold(appointment: Appointment, clinic: ClinicSettings, now: datetime) -> None:
    """Give a held appointment a fresh hold before a (late) checkout, if its time is still
    free, and commit. Raises SlotTaken when someone else has the time now."""
    appointment.hold_expires_at = now + timedelta(minutes=clinic.hold_minutes + 1)
    try:
        claim(appointment, now)
    except SlotTaken:
        db.session.rollback()
        raise
    db.session.commit()


def checkout_url(
    appointment: Appointment,
    gateway: PaymentGateway,
    success_url: str,
    cancel_url: str,
    clinic: ClinicSettings | None = None,
    now: datetime | None = None,
) -> str:
    """The hosted checkout for a held appointment's deposit, created once (a retry after a
    lost response gets the same session through the idempotency key). A hold too short
    for a new checkout is extended first when `clinic` and `now` are given."""
    pending = next((p for p in appointment.payments if p.status == "pending"), None)
    if pending is not None and pending.checkout_url:
        return pending.checkout_url
    if clinic is not None and now is not None:
        if appointment.hold_expires_at - now < timedelta(minutes=MIN_CHECKOUT_MINUTES):
            extend_hold(appointment, clinic, now)
    due = appointment.deposit - gift_card_deposits.paid_by_card(appointment)  # the rest
    session = gateway.create_checkout(
        CheckoutRequest(
            reference=str(appointment.id),
            amount=due,
            currency=appointment.currency,
            description=f"Deposit: {appointment.service.name}, "
            f"{appointment.option.duration_minutes} min",
            customer_email=appointment.client_email,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=appointment.hold_expires_at,
            # The token is random, so a database restored or reset for tests never reuses
            # a key Stripe still remembers (24 hours) for another appointment; the expiry
            # is part of it because a request with other parameters needs another key.
            idempotency_key=(
                f"checkout-{appointment.token}-{int(appointment.hold_expires_at.timestamp())}"
            ),
            save_card=wants_card(appointment),  # the client agreed to the fees (issue 14)
        )
    )
    db.session.add(
        Payment(
            appointment=appointment,
            provider=gateway.name,
            checkout_session_id=session.id,
            checkout_url=session.url,
            amount=due,
            currency=appointment.currency,
        )
    )
    db.session.commit()
    return session.url

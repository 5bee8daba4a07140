"""Settling a checkout: make an appointment and its deposit agree with what the payment
provider says happened to the checkout, whatever order the provider's webhooks come in and
however often each comes.

The rule: money taken for a checkout ends either as the deposit of a confirmed appointment
or refunded in full, once. Whatever was refunded here, or could not be settled, is flagged
on the payment for the staff dashboard ("payments needing attention").
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite import audit, clock, notifications
from clinicsite.appointments.deposit import deposit_of
from clinicsite.audit import STRIPE, Actor
from clinicsite.extensions import db
from clinicsite.giftcards import deposits as gift_card_deposits
from clinicsite.models import Appointment, Payment, Refund
from clinicsite.money import format_money
from clinicsite.payments.gateway import CheckoutState, PaymentGateway
from clinicsite.scheduling.holds import SlotTaken, claim, lock_therapists
from clinicsite.waitlist import offers

# Statuses of an appointment that has its time on the calendar for good.
ON_CALENDAR = ("confirmed", "completed", "no_show")
# Statuses of a payment that may still turn into money (or has, unnoticed).
UNSETTLED = ("pending", "expired", "failed")


def payment_for_session(session_id: str) -> Payment | None:
    """The payment of a checkout session, locked until commit (PostgreSQL; on SQLite the
    write transaction already admits one writer), so two events for it settle one by one."""
    return db.session.scalar(
        sa.select(Payment).where(Payment.checkout_session_id == session_id).with_for_update()
    )


def settle_checkout(
    payment: Payment, state: CheckoutState, gateway: PaymentGateway | None, now: datetime
) -> str:
    """Bring `payment` and its appointment in line with `state`, the provider's own account
    of the checkout; returns what happened. Safe to call again with the same or a later
    state (it changes nothing twice). The caller commits; a PaymentError from a refund
    leaves the caller to roll back, and the provider to send its event again."""
    if payment.status in UNSETTLED:
        payment.attention = None  # flagged by an earlier failed attempt: decided anew now
    if state.paid:
        if gateway is None:
            raise ValueError("settling a paid checkout may need a refund: pass the gateway")
        return _settle_paid(payment, state, gateway, now)
    if state.status == "expired":
        return _settle_expired(payment)
    return "awaiting payment"  # open, or a delayed method (async_payment_* follows)


def _settle_paid(
    payment: Payment, state: CheckoutState, gateway: PaymentGateway, now: datetime
) -> str:
    if payment.status not in UNSETTLED:
        return "already settled"  # paid or refunded: the money is accounted for
    appointment = payment.appointment
    with db.session.no_autoflush:
        lock_therapists(appointment.therapist_id)  # as booking does: one claim at a time
    db.session.refresh(appointment)
    before = audit.snapshot(appointment)
    asked = (payment.amount, payment.currency.upper())
    was = payment.status
    payment.status, payment.paid_at = "paid", now
    payment.payment_intent_id = state.payment_intent_id
    if (state.amount, state.currency) != asked:
        return _refund_wrong_amount(payment, state, asked, gateway, now, before)
    if appointment.status in ON_CALENDAR:
        if any(p is not payment and p.status == "paid" for p in appointment.payments):
            _give_back(payment, "paid twice", gateway, now)
            notifications.refund_sent(appointment, payment.amount)
            audit.record(appointment, "second payment refunded", STRIPE, before)
            return "refunded: paid twice"
        return "already confirmed"
    if appointment.status in ("held", "expired"):
        outcome = _confirm_or_refund(payment, gateway, now, before)
        if outcome == "confirmed" and was != "pending":  # we had given up on this money
            also = f"; {payment.attention}" if payment.attention else ""
            flag(payment, f"paid after we recorded the checkout {was}: confirmed{also}", now)
        return outcome
    _give_back(payment, "appointment already cancelled", gateway, now)
    notifications.refund_sent(appointment, payment.amount)
    audit.record(appointment, "payment after cancellation refunded", STRIPE, before)
    return "refunded: cancelled"


def _confirm_or_refund(
    payment: Payment, gateway: PaymentGateway, now: datetime, before: dict
) -> str:
    """Money for a held (or lapsed) appointment: take its time again under the booking
    lock, or, when someone else has it now, give the money back and tell the client."""
    appointment = payment.appointment
    appointment.status = "confirmed"
    try:
        claim(appointment, now)
    except SlotTaken:
        appointment.status = "expired"
        _give_back(payment, "time taken after the hold expired", gateway, now)
        gift_card_deposits.give_back(appointment, "time taken after the hold expired", now)
        notifications.late_payment_refunded(appointment)
        audit.record(appointment, "late payment refunded", STRIPE, before)
        return "refunded: time taken"
    appointment.confirmed_at, appointment.hold_expires_at = now, None
    short = appointment.deposit - deposit_of(appointment).kept
    if short > 0:  # a gift card's part went back to the card when the hold lapsed
        flag(
            payment,
            f"confirmed with {format_money(short, appointment.currency)} of the "
            "deposit unpaid: the gift card's part went back to the card when the hold lapsed",
            now,
        )
    notifications.booking_confirmed(appointment)
    audit.record(appointment, "deposit paid, confirmed", STRIPE, before)
    return "confirmed"


def _refund_wrong_amount(
    payment: Payment,
    state: CheckoutState,
    asked: tuple[int, str],
    gateway: PaymentGateway,
    now: datetime,
    before: dict,
) -> str:
    """Never confirm on an amount the server did not ask for. The money is real, so it
    goes back in full (keeping it would leave a client paying for nothing confirmed), the
    hold ends, and the staff are told to look into how it happened."""
    appointment = payment.appointment
    taken = f"{state.amount} {state.currency}"
    note = f"paid {taken}, asked {asked[0]} {asked[1]}"
    if not isinstance(state.amount, int) or state.amount <= 0:
        payment.status = "failed"  # nothing we could refund by amount: a person must look
        flag(payment, f"{note}: not confirmed; check it in the provider's dashboard", now)
        audit.record(appointment, "payment of a wrong amount flagged", STRIPE, before, note=note)
        return "flagged: wrong amount"
    payment.amount, payment.currency = state.amount, state.currency or asked[1]
    _give_back(payment, "wrong amount", gateway, now, note=f"{note}: refunded, not confirmed")
    if appointment.status == "held":
        appointment.status = "expired"
        gift_card_deposits.give_back(appointment, "wrong amount paid", now)
    if payment.currency == asked[1]:  # the email shows amounts in the appointment's currency
        notifications.refund_sent(appointment, payment.amount)
    audit.record(appointment, "payment of a wrong amount refunded", STRIPE, before, note=note)
    return "refunded: wrong amount"


def _give_back(
    payment: Payment, reason: str, gateway: PaymentGateway, now: datetime, note: str = ""
) -> None:
    refund(payment, payment.amount - payment.amount_refunded, reason, gateway)
    flag(payment, note or f"refunded in full: {reason}", now)


def _settle_expired(payment: Payment) -> str:
    """The checkout ran out unpaid: the hold ends (its time was free again already),
    unless the client has started another checkout for the same appointment."""
    if payment.status != "pending":
        return "ignored"
    payment.status = "expired"
    appointment = payment.appointment
    another = any(p is not payment and p.status == "pending" for p in appointment.payments)
    if appointment.status == "held" and not another:
        before = audit.snapshot(appointment)
        appointment.status = "expired"
        gift_card_deposits.give_back(appointment, "checkout expired", clock.now())
        audit.record(appointment, "checkout expired", STRIPE, before)
        offers.after_freed(
            appointment.therapist_id, appointment.starts_at, appointment.ends_at, clock.now()
        )
    return "expired"


def refund(payment: Payment, amount: int, reason: str, gateway: PaymentGateway) -> Refund:
    """Refund through the provider (idempotent per payment) and record it."""
    # Same refund retried: same key. A later, further refund: a different key. Built on
    # the provider's own session id, never on our row ids (a reset database reuses those).
    reference = payment.checkout_session_id or payment.appointment.token
    key = f"refund-{reference}-{payment.amount_refunded}-{amount}"
    if payment.provider == gift_card_deposits.PROVIDER:  # back on the card, never to Stripe
        result = gift_card_deposits.refund_to_card(payment, amount, reason, clock.now())
    else:
        result = gateway.refund(payment.payment_intent_id or "", amount, idempotency_key=key)
    row = Refund(payment=payment, provider_refund_id=result.id, amount=amount, reason=reason)
    db.session.add(row)
    payment.amount_refunded += amount
    if payment.amount_refunded >= payment.amount:
        payment.status = "refunded"
    return row


# -- the fake gateway's page settles through the same code ------------------------------------


def record_payment(
    payment: Payment,
    payment_intent_id: str | None,
    amount_paid: int,
    currency: str,
    gateway: PaymentGateway,
    now: datetime,
) -> str:
    """The provider says the deposit was paid: settle the checkout as paid."""
    state = CheckoutState(
        session_id=payment.checkout_session_id or "",
        status="complete",
        payment_status="paid",
        amount=amount_paid,
        currency=currency.upper(),
        payment_intent_id=payment_intent_id,
    )
    return settle_checkout(payment, state, gateway, now)


def record_checkout_expired(payment: Payment, now: datetime) -> str:
    """The checkout ran out unpaid."""
    state = CheckoutState(payment.checkout_session_id or "", "expired", "unpaid", None, None, None)
    return settle_checkout(payment, state, None, now)


# -- payments needing attention --------------------------------------------------------------


def flag(payment: Payment, note: str, now: datetime) -> None:
    """Put `payment` on the staff's list of payments needing attention."""
    payment.attention, payment.attention_at = note[:300], now


def flag_failure(session_id: str, error: Exception, now: datetime) -> None:
    """The provider failed while a checkout was being settled (the caller rolled back): say
    so on the payment, if its money is not settled yet, and commit. The provider sends the
    event again, and a later success replaces the note."""
    payment = payment_for_session(session_id)
    if payment is not None and payment.status in UNSETTLED:
        flag(payment, f"not settled yet, the payment provider failed: {error}", now)
    db.session.commit()


def needing_attention(limit: int = 20) -> list[Payment]:
    """The payments staff should look at, newest first, with what the list shows loaded."""
    return list(
        db.session.scalars(
            sa.select(Payment)
            .where(Payment.attention.is_not(None))
            .order_by(Payment.attention_at.desc(), Payment.id.desc())
            .limit(limit)
            .options(selectinload(Payment.appointment).selectinload(Appointment.service))
        )
    )


def clear_attention(payment: Payment, actor: Actor) -> None:
    """A staff member has dealt with it; the note stays in the appointment's history.
    The caller commits."""
    if payment.attention is None:
        return
    audit.record(payment.appointment, "payment attention cleared", actor, note=payment.attention)
    payment.attention = payment.attention_at = None

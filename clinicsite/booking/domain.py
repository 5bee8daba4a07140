"""Booking actions: hold, pay, confirm, cancel, reschedule, record the outcome. They know
nothing of requests; each takes what it needs and leaves the transaction to commit (or
commits itself where the action must be durable before talking to the payment provider)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clinicsite import audit, notifications
from clinicsite.audit import CLIENT, Actor
from clinicsite.booking import limits
from clinicsite.booking.fulfilment import (
    payment_for_session,
    record_checkout_expired,
    record_payment,
    refund,
)
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    ClinicSettings,
    Location,
    Payment,
    ServiceOption,
    Therapist,
)
from clinicsite.payments.gateway import CheckoutRequest, PaymentError, PaymentGateway
from clinicsite.scheduling.holds import SlotTaken, claim, lock_therapists

# Settling payments lives in fulfilment.py; its entry points stay reachable from here.
__all__ = [
    "LimitReached",
    "SlotTaken",
    "PaymentError",
    "payment_for_session",
    "record_checkout_expired",
    "record_payment",
    "refund",
]

LimitReached = limits.LimitReached


class NotAllowed(Exception):
    """The action is not possible for this appointment now; the message says why."""


@dataclass
class ClientDetails:
    name: str
    email: str
    phone: str = ""
    notes: str = ""
    intake: dict[str, Any] = field(default_factory=dict)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hold(
    option: ServiceOption,
    therapist: Therapist,
    location: Location,
    starts_at: datetime,
    client: ClientDetails,
    clinic: ClinicSettings,
    now: datetime,
    request_key: str | None = None,
    source: str = "online",
    actor: Actor = CLIENT,
    deposit: int | None = None,
    hold_minutes: int | None = None,
    client_keys: limits.ClientKeys | None = None,
    afterwards: bool = False,
) -> Appointment:
    """Take the time for the client and commit: `held` until the deposit is paid, or
    `confirmed` at once when the option has no deposit (or staff waived it with
    deposit=0). Raises SlotTaken, or LimitReached when `client_keys` (an online client)
    already has as much as one client may. `afterwards` records a visit whose time has
    passed (a walk-in entered later): confirmed, with no email and no reminder."""
    ends_at = starts_at + timedelta(minutes=option.duration_minutes)
    deposit = option.deposit if deposit is None else deposit
    needs_payment = deposit > 0
    appointment = Appointment(
        token=new_token(),
        request_key=request_key,
        service_id=option.service_id,
        option_id=option.id,
        therapist_id=therapist.id,
        location_id=location.id,
        starts_at=starts_at,
        ends_at=ends_at,
        blocks_until=ends_at + timedelta(minutes=option.service.buffer_minutes),
        status="held" if needs_payment else "confirmed",
        # One minute over the hold: Stripe wants a Checkout Session to live 30 minutes.
        hold_expires_at=(
            now + timedelta(minutes=(hold_minutes or clinic.hold_minutes) + 1)
            if needs_payment
            else None
        ),
        confirmed_at=None if needs_payment else now,
        price=option.price,
        deposit=deposit,
        currency=clinic.currency,
        client_name=client.name,
        client_email=client.email,
        client_phone=client.phone,
        client_notes=client.notes,
        intake=client.intake,
        source=source,
        created_at=now,  # the limits count bookings of the last 24 hours by this clock
        # A past visit is never reminded of (the reminder job looks ahead only; this says so).
        reminder_queued_at=now if afterwards else None,
    )
    if afterwards and needs_payment:
        raise ValueError("a visit recorded afterwards has no payment step: pass deposit=0")
    guard = None
    if client_keys is not None:
        limits.stamp(appointment, client_keys)

        def guard():
            limits.enforce(client_keys, not needs_payment, clinic, now)

    try:
        claim(appointment, now, guard=guard)
    except (SlotTaken, LimitReached):
        db.session.rollback()
        raise
    action = "recorded afterwards" if afterwards else ("held" if needs_payment else "booked")
    audit.record(appointment, action, actor)
    if not needs_payment and not afterwards:
        notifications.booking_confirmed(appointment)
    db.session.commit()
    return appointment


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
    session = gateway.create_checkout(
        CheckoutRequest(
            reference=str(appointment.id),
            amount=appointment.deposit,
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
        )
    )
    db.session.add(
        Payment(
            appointment=appointment,
            provider=gateway.name,
            checkout_session_id=session.id,
            checkout_url=session.url,
            amount=appointment.deposit,
            currency=appointment.currency,
        )
    )
    db.session.commit()
    return session.url


OUTCOMES = {"completed": "completed", "no_show": "no-show"}


def record_outcome(appointment: Appointment, outcome: str, actor: Actor, now: datetime) -> str:
    """Mark a confirmed appointment that has started as completed or a no-show, and commit;
    return the outcome in words. Raises NotAllowed."""
    if outcome not in OUTCOMES or appointment.status != "confirmed":
        raise NotAllowed("Only a confirmed appointment can be marked completed or no-show.")
    if appointment.starts_at > now:
        raise NotAllowed("That appointment has not started yet.")
    before = audit.snapshot(appointment)
    appointment.status = outcome
    audit.record(appointment, "marked " + OUTCOMES[outcome], actor, before)
    db.session.commit()
    return OUTCOMES[outcome]


@dataclass(frozen=True)
class CancellationTerms:
    refundable: bool  # cancelled now, the paid deposit comes back
    deposit_paid: int
    deadline: datetime  # the last moment to cancel with a refund


def cancellation_terms(appointment: Appointment, clinic: ClinicSettings, now: datetime):
    deadline = appointment.starts_at - timedelta(hours=clinic.cancellation_window_hours)
    paid = appointment.paid_payment
    deposit_paid = paid.amount - paid.amount_refunded if paid else 0
    return CancellationTerms(now <= deadline, deposit_paid, deadline)


def cancel(
    appointment: Appointment,
    clinic: ClinicSettings,
    gateway: PaymentGateway,
    now: datetime,
    refund_deposit: bool | None = None,
    actor: Actor = CLIENT,
    note: str = "",
) -> CancellationTerms:
    """Cancel a held or confirmed appointment and commit. The deposit is refunded when
    cancelled in time (staff may decide otherwise with `refund_deposit`)."""
    with db.session.no_autoflush:
        lock_therapists(appointment.therapist_id)  # one cancel at a time: one refund
    db.session.refresh(appointment)
    if appointment.status not in ("held", "confirmed"):
        raise NotAllowed("This appointment is not active any more.")
    terms = cancellation_terms(appointment, clinic, now)
    before = audit.snapshot(appointment)
    if appointment.status == "held":
        for payment in appointment.payments:
            if payment.status == "pending" and payment.checkout_session_id:
                try:
                    gateway.expire_checkout(payment.checkout_session_id)
                except PaymentError:
                    pass  # paid meanwhile: record_payment will refund it
    appointment.status, appointment.cancelled_at = "cancelled", now
    give_back = terms.refundable if refund_deposit is None else refund_deposit
    paid = appointment.paid_payment
    refunded = 0
    if give_back and paid is not None and terms.deposit_paid > 0:
        refund(paid, terms.deposit_paid, "cancelled", gateway)
        refunded = terms.deposit_paid
    notifications.booking_cancelled(appointment, refunded)
    outcome = f"deposit of {refunded} refunded" if refunded else "no refund"
    audit.record(appointment, "cancelled", actor, before, note=note or outcome)
    db.session.commit()
    return terms


def reschedule(
    appointment: Appointment,
    starts_at: datetime,
    therapist: Therapist,
    location: Location,
    clinic: ClinicSettings,
    now: datetime,
    enforce_policy: bool = True,
    actor: Actor = CLIENT,
) -> None:
    """Move a confirmed appointment to a new free time (the deposit carries over) and
    commit. Raises SlotTaken or NotAllowed."""
    if appointment.status != "confirmed":
        raise NotAllowed("Only a confirmed appointment can be moved.")
    if enforce_policy and not cancellation_terms(appointment, clinic, now).refundable:
        raise NotAllowed("It is too close to the appointment to move it online; please call us.")
    before = audit.snapshot(appointment)
    previous = (appointment.starts_at, appointment.therapist_id)
    length = appointment.ends_at - appointment.starts_at
    buffer = appointment.blocks_until - appointment.ends_at
    appointment.starts_at, appointment.ends_at = starts_at, starts_at + length
    appointment.blocks_until = starts_at + length + buffer
    appointment.therapist_id, appointment.location_id = therapist.id, location.id
    appointment.sequence += 1
    appointment.reminder_queued_at = None  # the new time gets its own reminder
    try:
        claim(appointment, now, previous_therapist_id=previous[1])
    except SlotTaken:
        db.session.rollback()
        raise
    notifications.booking_rescheduled(appointment, previous[0])
    audit.record(appointment, "moved", actor, before)
    db.session.commit()

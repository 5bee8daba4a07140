"""Cancelling an appointment, and the terms (refund or not) that cancelling now would have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from clinicsite import audit, notifications
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import CLIENT, Actor
from clinicsite.extensions import db
from clinicsite.giftcards import deposits as gift_card_deposits
from clinicsite.models import Appointment, ClinicSettings
from clinicsite.packages import sessions as package_sessions
from clinicsite.payments import fulfilment
from clinicsite.payments.gateway import PaymentError, PaymentGateway
from clinicsite.scheduling.holds import lock_therapists
from clinicsite.waitlist import offers


@dataclass(frozen=True)
class CancellationTerms:
    refundable: bool  # cancelled now, the paid deposit comes back
    deposit_paid: int
    deadline: datetime  # the last moment to cancel with a refund


def cancellation_terms(appointment: Appointment, clinic: ClinicSettings, now: datetime):
    deadline = appointment.starts_at - timedelta(hours=clinic.cancellation_window_hours)
    # A deposit may be paid in two parts (a gift card and a card): every part counts.
    taken = [p for p in appointment.payments if p.status in ("paid", "refunded")]
    deposit_paid = sum(p.amount - p.amount_refunded for p in taken)
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
        # Never confirmed: what a gift card paid towards it goes back whatever the policy.
        gift_card_deposits.give_back(appointment, "hold cancelled", now)
    appointment.status, appointment.cancelled_at = "cancelled", now
    give_back = terms.refundable if refund_deposit is None else refund_deposit
    in_time = give_back or clinic.package_late_cancel_returns  # paid with a package: back?
    package_sessions.after_cancel(appointment, in_time, actor, now)
    refunded = 0
    if give_back and terms.deposit_paid > 0:
        for paid in appointment.payments:  # each part back where it came from
            if paid.status == "paid" and paid.amount > paid.amount_refunded:
                fulfilment.refund(paid, paid.amount - paid.amount_refunded, "cancelled", gateway)
        refunded = terms.deposit_paid
    notifications.booking_cancelled(appointment, refunded)
    offers.after_freed(appointment.therapist_id, appointment.starts_at, appointment.ends_at, now)
    outcome = f"deposit of {refunded} refunded" if refunded else "no refund"
    audit.record(appointment, "cancelled", actor, before, note=note or outcome)
    db.session.commit()
    return terms

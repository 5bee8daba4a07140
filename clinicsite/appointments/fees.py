"""The policy's fees (issue 14): a no-show or late-cancellation fee charged off-session to
the client's saved card, and refunded by staff.

The model: fixed amounts set by the clinic, in minor units (say $50 for a no-show, $25 for
a late cancellation), because a client agrees to a number they can read, the same for
every service, and that number is kept with their consent. The amount charged is the one
in the client's consent (a later change of the settings does not apply to bookings already
made), never more than the visit's price less the deposit the clinic kept, so a client
never pays more than the visit would have cost. One fee per appointment.

Charging twice is prevented twice over: the staff form carries a random token, which is
the charge's idempotency key at the provider (so a double click, or a retry after a lost
answer, charges once), and the appointment's row is locked while the charge is decided.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import audit, notifications
from clinicsite.appointments.card_on_file import card_words, consent_of
from clinicsite.appointments.deposit import deposit_of
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, FeeCharge, FeeRefund
from clinicsite.money import format_money
from clinicsite.payments.gateway import OffSessionCharge, PaymentError, PaymentGateway

KIND_WORDS = {"no_show": "no-show fee", "late_cancel": "late-cancellation fee"}
TOKEN_MAX = 64
# A charge whose answer we do not know yet (or never got): retried with the same key.
UNSURE = ("pending", "failed")


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Due:
    kind: str
    amount: int  # 0 when nothing can be charged
    refusal: str  # why not, in words for staff ("" when it can be charged)
    currency: str

    @property
    def words(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def money(self) -> str:
        return format_money(self.amount, self.currency)


def charges_of(appointment: Appointment) -> list[FeeCharge]:
    return list(
        db.session.scalars(
            sa.select(FeeCharge)
            .where(FeeCharge.appointment_id == appointment.id)
            .order_by(FeeCharge.id)
        )
    )


def charges_of_client(client) -> list[FeeCharge]:
    """Every fee charged (or tried) to a client, newest first."""
    return list(
        db.session.scalars(
            sa.select(FeeCharge)
            .where(FeeCharge.client_id == client.id)
            .order_by(FeeCharge.created_at.desc(), FeeCharge.id.desc())
        )
    )


def kind_for(appointment: Appointment, clinic: ClinicSettings) -> str | None:
    """The fee the appointment's outcome allows: a no-show, or a cancellation inside the
    cancellation window."""
    if appointment.status == "no_show":
        return "no_show"
    if appointment.status == "cancelled" and appointment.cancelled_at is not None:
        window = timedelta(hours=clinic.cancellation_window_hours)
        if appointment.cancelled_at >= appointment.starts_at - window:
            return "late_cancel"
    return None


def due(appointment: Appointment, kind: str, clinic: ClinicSettings) -> Due:
    """What may be charged now for `kind`, worked out on the server, or why nothing."""
    currency = appointment.currency

    def refuse(why: str) -> Due:
        return Due(kind, 0, why, currency)

    if kind not in KIND_WORDS:
        return refuse("There is no such fee.")
    if kind_for(appointment, clinic) != kind:
        return refuse(
            "A no-show fee is for an appointment marked no-show."
            if kind == "no_show"
            else "A late-cancellation fee is for a booking cancelled less than "
            f"{clinic.cancellation_window_hours} hours before it started."
        )
    consent = consent_of(appointment)
    if consent is None:
        return refuse("The client did not agree to the fees for this booking.")
    client = appointment.client
    if client is None or not client.card_payment_method_id or not client.stripe_customer_id:
        return refuse("There is no card on file for this client.")
    charges = charges_of(appointment)
    if any(c.status == "succeeded" for c in charges):
        return refuse("A fee has already been charged for this appointment.")
    agreed = consent.no_show_fee if kind == "no_show" else consent.late_cancel_fee
    cap = max(0, appointment.price - deposit_of(appointment).kept)
    amount = min(agreed, cap)
    if amount <= 0:
        return refuse("Nothing to charge: the agreed fee is 0, or the deposit kept covers it.")
    return Due(kind, amount, "", currency)


def _lock(appointment: Appointment) -> None:
    """The appointment's row lock until commit (as appointments/balance.py takes it)."""
    db.session.execute(
        sa.update(Appointment)
        .where(Appointment.id == appointment.id)
        .values(sequence=Appointment.sequence)
        .execution_options(synchronize_session=False)
    )


def charge(
    appointment: Appointment,
    kind: str,
    token: str,
    actor: Actor,
    gateway: PaymentGateway,
    clinic: ClinicSettings,
    now: datetime,
) -> FeeCharge:
    """Charge the fee `kind` to the saved card, once per `token` (the form's), and commit.
    Returns the charge row, whatever the bank answered (succeeded, declined,
    requires_action; failed when the provider could not be reached). Raises NotAllowed
    when no fee can be charged."""
    if not token or len(token) > TOKEN_MAX:
        raise NotAllowed("The form has expired; please reload the page and try again.")
    _lock(appointment)
    row = db.session.scalar(sa.select(FeeCharge).filter_by(token=token))
    if row is not None:
        if row.appointment_id != appointment.id:
            raise NotAllowed("The form has expired; please reload the page and try again.")
        if row.status != "failed":
            db.session.commit()
            return row  # a double click: the first click's charge, not another
    else:
        unsure = next((c for c in charges_of(appointment) if c.status in UNSURE), None)
        if unsure is not None:
            row = unsure  # the provider never answered: ask again with the same key
        else:
            owed = due(appointment, kind, clinic)
            if owed.refusal:
                raise NotAllowed(owed.refusal)
            client = appointment.client
            row = FeeCharge(
                token=token,
                appointment_id=appointment.id,
                client_id=client.id,
                kind=kind,
                amount=owed.amount,
                currency=appointment.currency,
                status="pending",
                card=card_words(client)[:60],
                charged_by_id=actor.staff_id,
                created_at=now,
            )
            db.session.add(row)
    row.status = "pending"
    db.session.commit()  # the key is on record before the provider is asked
    return _ask(row, actor, gateway)


def _ask(row: FeeCharge, actor: Actor, gateway: PaymentGateway) -> FeeCharge:
    appointment = row.appointment
    client = row.client or appointment.client
    words = KIND_WORDS[row.kind]
    try:
        result = gateway.charge_off_session(
            OffSessionCharge(
                customer_id=client.stripe_customer_id or "",
                payment_method_id=client.card_payment_method_id or "",
                amount=row.amount,
                currency=row.currency,
                description=f"{words.capitalize()}: {appointment.service.name}",
                idempotency_key=f"fee-{row.token}",
                metadata={"fee_charge": row.token},
            )
        )
    except PaymentError as exc:
        row.status, row.error = "failed", str(exc)[:500]
        audit.record(appointment, f"{words} not charged: provider failed", actor, note=row.error)
        db.session.commit()
        return row
    row.payment_intent_id = result.payment_intent_id
    money = format_money(row.amount, row.currency)
    if result.status == "succeeded":
        row.status, row.error = "succeeded", ""
        audit.record(appointment, f"{words} charged", actor, note=f"{money}, {row.card}")
        notifications.fee_receipt(appointment, row)
    elif result.status == "requires_action":
        row.status = "requires_action"
        row.error = (result.message or "The bank asks the client to confirm.")[:500]
        audit.record(appointment, f"{words} needs the client", actor, note=row.error)
    elif result.status == "declined":
        row.status = "declined"
        row.error = (result.message or "The card was declined.")[:500]
        audit.record(appointment, f"{words} declined", actor, note=row.error)
    else:
        row.status, row.error = "failed", (result.message or "No answer yet.")[:500]
    db.session.commit()
    return row


def result_words(row: FeeCharge) -> tuple[str, str]:
    """What staff are told: (category for the flash, sentence)."""
    money = format_money(row.amount, row.currency)
    words = KIND_WORDS[row.kind]
    if row.status == "succeeded":
        return "success", f"Charged the {words} of {money} to {row.card}. Receipt emailed."
    if row.status == "declined":
        return "error", (
            f"The {words} of {money} was not charged: the card was declined "
            f"({row.error.rstrip('.')}). "
            "Ask the client for another way to pay."
        )
    if row.status == "requires_action":
        return "error", (
            f"The {words} of {money} was not charged: the client's bank wants the client to "
            "confirm the payment themselves, so it cannot be taken without them. Ask the "
            "client to pay it at the studio or by phone."
        )
    if row.status == "pending":
        return "info", f"The {words} of {money} is being charged; reload the page in a moment."
    return "error", (
        f"The {words} of {money} could not be charged: the payment service did not answer. "
        "Press the button again to retry; the client is charged at most once."
    )


def refund(
    row: FeeCharge,
    amount: int,
    reason: str,
    actor: Actor,
    gateway: PaymentGateway,
    now: datetime,
) -> FeeRefund:
    """Give back `amount` of a charged fee (never more than is left) and commit. Raises
    NotAllowed saying why not; PaymentError when the provider failed."""
    appointment = row.appointment
    _lock(appointment)
    db.session.refresh(row)
    if row.status != "succeeded":
        raise NotAllowed("Only a fee that was charged can be refunded.")
    left = row.amount - row.amount_refunded
    money = lambda a: format_money(a, row.currency)  # noqa: E731
    if amount <= 0:
        raise NotAllowed("Please enter an amount to refund.")
    if amount > left:
        raise NotAllowed(f"That is more than the {money(left)} left to refund of this fee.")
    key = f"fee-refund-{row.token}-{row.amount_refunded}-{amount}"
    try:
        result = gateway.refund(row.payment_intent_id or "", amount, idempotency_key=key)
    except PaymentError:
        db.session.rollback()
        raise
    refund_row = FeeRefund(
        fee_charge_id=row.id,
        provider_refund_id=result.id,
        amount=amount,
        reason=reason[:500],
        refunded_by_id=actor.staff_id,
        created_at=now,
    )
    db.session.add(refund_row)
    row.amount_refunded += amount
    audit.record(
        appointment,
        f"{KIND_WORDS[row.kind]} refunded",
        actor,
        note=f"{money(amount)}" + (f"; {reason}" if reason else ""),
    )
    db.session.commit()
    return refund_row

"""The balance of a visit: what the client still owes at the studio, and recording what
they paid (with a tip) or voiding a mistake. Every amount is worked out here, on the
server, from the appointment's rows; a view passes only what staff typed.

Owed = price − the deposit the clinic kept (paid online, less refunds) − what was paid at
the studio (voided payments aside). A tip is on top and never counts towards the price."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite import audit, notifications
from clinicsite.appointments.deposit import Deposit, deposit_of
from clinicsite.appointments.errors import NotAllowed
from clinicsite.appointments.takings import clinic_zone, local_day, refuse_if_closed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.giftcards import studio as gift_card_studio
from clinicsite.models import STUDIO_METHODS, Appointment, StudioPayment
from clinicsite.money import format_amount
from clinicsite.packages import sessions as package_sessions

METHOD_WORDS = {
    "card_terminal": "Card (terminal)",
    "cash": "Cash",
    "other": "Other",
    "gift_card": "Gift card",
    "package": "Package session",  # drawn from a package the client bought (packages/)
}
# A visit whose price may be paid at the studio: booked and not called off.
PAYABLE = ("confirmed", "completed")


def method_words(method: str) -> str:
    return METHOD_WORDS.get(method, method.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Balance:
    price: int
    deposit: Deposit
    studio: tuple[StudioPayment, ...]  # every studio payment, voided ones included
    currency: str

    @property
    def counted(self) -> tuple[StudioPayment, ...]:
        return tuple(p for p in self.studio if not p.voided)

    @property
    def paid_at_studio(self) -> int:
        return sum(p.amount for p in self.counted)

    @property
    def tips(self) -> int:
        return sum(p.tip for p in self.counted)

    @property
    def paid(self) -> int:
        """Towards the price so far: the deposit kept and the studio payments."""
        return self.deposit.kept + self.paid_at_studio

    @property
    def owed(self) -> int:
        return max(0, self.price - self.paid)

    def money(self, amount: int) -> str:
        return format_amount(amount, self.currency)


def studio_payments(appointment: Appointment) -> list[StudioPayment]:
    return list(
        db.session.scalars(
            sa.select(StudioPayment)
            .where(StudioPayment.appointment_id == appointment.id)
            .options(selectinload(StudioPayment.recorded_by), selectinload(StudioPayment.voided_by))
            .order_by(StudioPayment.id)
        )
    )


def balance_of(appointment: Appointment) -> Balance:
    """The appointment's money as its rows have it now."""
    return Balance(
        appointment.price_due,  # less any coupon
        deposit_of(appointment),
        tuple(studio_payments(appointment)),
        appointment.currency,
    )


def _lock(appointment: Appointment) -> None:
    """Take the appointment's write lock before reading what is owed, so two people
    recording the balance at once cannot both take it: an UPDATE holds the row lock until
    commit on PostgreSQL and starts the one write transaction on SQLite (as
    scheduling/holds.py does for a therapist)."""
    db.session.execute(
        sa.update(Appointment)
        .where(Appointment.id == appointment.id)
        .values(sequence=Appointment.sequence)
        .execution_options(synchronize_session=False)
    )


def record_balance(
    appointment: Appointment,
    amount: int,
    tip: int,
    method: str,
    actor: Actor,
    now: datetime,
    note: str = "",
    gift_card_code: str = "",
) -> StudioPayment:
    """Record `amount` towards the price and `tip` on top, paid at the studio by `method`;
    audit it, queue the client's receipt and commit. Raises NotAllowed, saying why, for a
    visit that is not payable, an unknown method, or more than is owed. Paid by gift card,
    both come off the card `gift_card_code` names (giftcards/studio.py)."""
    if appointment.status not in PAYABLE:
        raise NotAllowed("Only a confirmed or completed visit can be paid at the studio.")
    if method not in STUDIO_METHODS:
        raise NotAllowed("Please choose how the client paid.")
    if amount < 0 or tip < 0:
        raise NotAllowed("Amounts can't be negative.")
    if amount + tip == 0 and method != "package":  # a session's worth is worked out below
        raise NotAllowed("Please enter the amount paid, a tip, or both.")
    refuse_if_closed(now)
    _lock(appointment)
    balance = balance_of(appointment)
    if method == "package":  # a session of the client's package pays (packages/)
        amount = package_sessions.desk_amount(appointment, balance.owed)
    if amount > balance.owed:
        raise NotAllowed(
            f"That is more than the {balance.money(balance.owed)} still owed; "
            "put anything extra in the tip."
        )
    drawn = None
    if method == "gift_card":
        today = local_day(now, clinic_zone())
        drawn = gift_card_studio.draw(gift_card_code, amount + tip, appointment, actor, now, today)
    payment = StudioPayment(
        appointment_id=appointment.id,
        amount=amount,
        tip=tip,
        currency=appointment.currency,
        method=method,
        note=note,
        recorded_by_id=actor.staff_id,
        recorded_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    if drawn is not None:
        drawn.studio_payment_id = payment.id
    if method == "package":
        try:
            package_sessions.draw_at_desk(appointment, payment, actor, now)
        except NotAllowed:
            db.session.rollback()
            raise
    # The action is short (a column of 60); the amounts and the note go with it as its note.
    money = balance.money
    words = money(amount) + (f" and a {money(tip)} tip" if tip else "")
    words += f", {method_words(method).lower()}" + (f"; {note}" if note else "")
    audit.record(appointment, "paid at the studio", actor, note=words)
    notifications.balance_receipt(appointment, payment, balance_of(appointment))
    db.session.commit()
    return payment


def void_payment(payment: StudioPayment, actor: Actor, now: datetime, reason: str) -> None:
    """Mark a studio payment recorded by mistake as void (it stays on record) and commit.
    Raises NotAllowed when it is void already or its day's takings are closed."""
    if payment.voided:
        raise NotAllowed("That payment is void already.")
    if not reason:
        raise NotAllowed("Please say why the payment is void.")
    refuse_if_closed(payment.recorded_at)
    payment.voided_at = now
    payment.voided_by_id = actor.staff_id
    payment.void_reason = reason
    if payment.method == "gift_card":
        gift_card_studio.put_back(payment, actor, now, reason)
    if payment.method == "package":  # the session goes back to the client's package
        package_sessions.after_void(payment, actor, now)
    amount = format_amount(payment.amount, payment.currency)
    tip = f" and {format_amount(payment.tip, payment.currency)} tip" if payment.tip else ""
    audit.record(
        payment.appointment, "studio payment voided", actor, note=f"{amount}{tip}: {reason}"
    )
    db.session.commit()

"""Cards on file and the policy's fees (issue 14): the client's agreement to the no-show and
late-cancellation fees, the checkouts that save a card, and the fees charged to it.

The card itself (its Stripe customer, payment method, brand, last four digits and expiry)
is kept on the Client, and only a signed webhook, after the checkout is read back from
Stripe, writes it there (appointments/card_on_file.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.booking import Appointment
from clinicsite.models.clients import Client
from clinicsite.models.staff import StaffUser
from clinicsite.models.types import UTCDateTime, utcnow

FEE_KINDS = ("no_show", "late_cancel")
FEE_STATUSES = ("pending", "succeeded", "declined", "requires_action", "failed")


class FeeConsent(db.Model):
    """What the client agreed to for one appointment: the exact words they were shown and
    the amounts in them, when, and how (booking online, or a link sent by staff)."""

    __tablename__ = "fee_consent"
    __table_args__ = (sa.CheckConstraint("no_show_fee >= 0 AND late_cancel_fee >= 0", name="fees"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), unique=True)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    words: Mapped[str] = mapped_column(sa.Text)
    no_show_fee: Mapped[int]
    late_cancel_fee: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    via: Mapped[str] = mapped_column(sa.String(20), default="online")  # or "link"

    appointment: Mapped[Appointment] = relationship()


class CardSetup(db.Model):
    """A checkout that saves the client's card: the deposit's (mode payment, saving the
    card for later) or one of its own (mode setup, when there is no deposit, or from the
    link staff send for a phone booking). `token` is random: the idempotency keys and the
    link are built on it, never on row ids."""

    __tablename__ = "card_setup"
    __table_args__ = (
        sa.CheckConstraint("status IN ('new', 'pending', 'saved', 'expired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(10))  # "payment" or "setup"
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.String(2000))
    status: Mapped[str] = mapped_column(sa.String(10), default="new")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment] = relationship()


class FeeCharge(db.Model):
    """A no-show or late-cancellation fee charged off-session to the saved card."""

    __tablename__ = "fee_charge"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('no_show', 'late_cancel')", name="kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'declined', 'requires_action', 'failed')",
            name="status",
        ),
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refunded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the idempotency key's
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int]
    amount_refunded: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    card: Mapped[str] = mapped_column(sa.String(60), default="")  # "Visa ending 4242"
    charged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship()
    client: Mapped[Client | None] = relationship()
    charged_by: Mapped[StaffUser | None] = relationship(foreign_keys=[charged_by_id])
    refunds: Mapped[list[FeeRefund]] = relationship(
        back_populates="charge", order_by="FeeRefund.id"
    )

    @property
    def refundable(self) -> int:
        return self.amount - self.amount_refunded if self.status == "succeeded" else 0


class FeeRefund(db.Model):
    __tablename__ = "fee_refund"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fee_charge_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_charge.id"), index=True)
    provider_refund_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    refunded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    charge: Mapped[FeeCharge] = relationship(back_populates="refunds")
    refunded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[refunded_by_id])

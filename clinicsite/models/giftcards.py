"""Gift cards: a card with a code and a balance, its ledger of every change, and the
online order that pays for one.

The balance changes only through clinicsite/giftcards/ledger.py, which writes an entry for
every change under the card's row lock, so the balance always equals the sum of entries
and never goes below zero (the CHECK constraint is the last line of defence)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow

GIFT_CARD_STATUSES = ("active", "void")
ENTRY_KINDS = ("issue", "redeem", "refund", "adjust", "void", "expire")
ORDER_STATUSES = ("pending", "paid", "refunded", "expired", "failed")


class GiftCard(db.Model):
    __tablename__ = "gift_card"
    __table_args__ = (
        sa.CheckConstraint("balance >= 0", name="balance"),
        sa.CheckConstraint("amount_issued > 0", name="amount_issued"),
        sa.CheckConstraint("status IN ('active', 'void')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised: upper case, no spaces or dashes (giftcards/codes.py); shown in groups of 4.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # The printable card's address (/gift-cards/<token>): random, not guessable from the code.
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    amount_issued: Mapped[int]
    balance: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    expires_on: Mapped[date | None] = mapped_column(sa.Date)  # the clinic's local date
    buyer_name: Mapped[str] = mapped_column(sa.String(120), default="")
    buyer_email: Mapped[str] = mapped_column(sa.String(254), default="", index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(120), default="")
    recipient_email: Mapped[str] = mapped_column(sa.String(254), default="", index=True)
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    send_on: Mapped[date | None] = mapped_column(sa.Date)  # to the recipient, local date
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))

    entries: Mapped[list[GiftCardEntry]] = relationship(
        back_populates="gift_card", order_by="GiftCardEntry.id"
    )


class GiftCardEntry(db.Model):
    """One change to a card's balance (or status): the card's audit trail."""

    __tablename__ = "gift_card_entry"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('issue', 'redeem', 'refund', 'adjust', 'void', 'expire')", name="kind"
        ),
        sa.CheckConstraint("balance_after >= 0", name="balance_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_card_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_card.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[int]  # + onto the card, - off it (minor units)
    balance_after: Mapped[int]
    appointment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    studio_payment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("studio_payment.id"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(120), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    gift_card: Mapped[GiftCard] = relationship(back_populates="entries")


class GiftCardOrder(db.Model):
    """A gift card bought online: what was asked, its checkout, and the card once paid."""

    __tablename__ = "gift_card_order"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refunded"),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'refunded', 'expired', 'failed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    amount: Mapped[int]
    amount_refunded: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    buyer_name: Mapped[str] = mapped_column(sa.String(120))
    buyer_email: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(120), default="")
    recipient_email: Mapped[str] = mapped_column(sa.String(254), default="")
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    send_on: Mapped[date | None] = mapped_column(sa.Date)
    provider: Mapped[str] = mapped_column(sa.String(20))
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.String(2000))
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255))
    attention: Mapped[str | None] = mapped_column(sa.String(300))
    gift_card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gift_card.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    gift_card: Mapped[GiftCard | None] = relationship()

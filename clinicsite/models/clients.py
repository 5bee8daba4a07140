"""Clients: the people who book, matched across bookings by email, then phone."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.booking import Appointment


class Client(db.Model):
    """A client's contact details and the staff's notes about them. `email_key` and
    `phone_key` are the normalised forms bookings are matched on (clients/normalise.py);
    an anonymised client keeps its row, with every personal field blanked."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))  # E.164, e.g. +13105550190
    email_key: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone_key: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Card on file (issue 14, appointments/card_on_file.py): written only by a signed
    # webhook after the checkout was read back from Stripe. Never the card number.
    stripe_customer_id: Mapped[str | None] = mapped_column(sa.String(255))
    card_payment_method_id: Mapped[str | None] = mapped_column(sa.String(255))
    card_brand: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    card_last4: Mapped[str] = mapped_column(sa.String(4), default="", server_default="")
    card_exp_month: Mapped[int | None]
    card_exp_year: Mapped[int | None]
    card_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="client", order_by="Appointment.starts_at"
    )

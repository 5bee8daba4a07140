"""Add-ons: extras a client can add to a visit (hot stones, 15 more minutes of cupping),
each with its own price and extra minutes, and the ones chosen on an appointment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db

if TYPE_CHECKING:
    from clinicsite.models.catalogue import Service

MAX_EXTRA_MINUTES = 240


class AddOn(db.Model):
    """An extra offered with one service. Money is in the currency's minor unit; 0 extra
    minutes is an extra that fits in the visit (a scented oil)."""

    __tablename__ = "add_on"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price"),
        sa.CheckConstraint(
            f"extra_minutes >= 0 AND extra_minutes <= {MAX_EXTRA_MINUTES}", name="extra_minutes"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    price: Mapped[int] = mapped_column(default=0)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="add_ons")


class AppointmentAddOn(db.Model):
    """An add-on chosen on an appointment, with its price and minutes as they were when
    booked: a later price change does not touch past bookings."""

    __tablename__ = "appointment_addon"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price"),
        sa.CheckConstraint("extra_minutes >= 0", name="extra_minutes"),
    )

    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), primary_key=True)
    add_on_id: Mapped[int] = mapped_column(sa.ForeignKey("add_on.id"), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    price: Mapped[int]
    extra_minutes: Mapped[int]

    add_on: Mapped[AddOn] = relationship()


def total_minutes(add_ons) -> int:
    return sum(a.extra_minutes for a in add_ons)


def total_price(add_ons) -> int:
    return sum(a.price for a in add_ons)

"""Coupons: a code for an amount or a percentage off a booking's price, with dates and
limits on use, and each use of one by an appointment."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from clinicsite.models.booking import Appointment
    from clinicsite.models.catalogue import Service
    from clinicsite.models.clients import Client

KINDS = ("amount", "percent")  # so many minor units off, or a whole percentage off
MAX_CODE_LENGTH = 32

coupon_service = sa.Table(
    "coupon_service",
    db.metadata,
    sa.Column("coupon_id", sa.ForeignKey("coupon.id"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("service.id"), primary_key=True, index=True),
)


class Coupon(db.Model):
    """A code clients type when booking. `code` is stored normalised (upper case, see
    coupons/codes.py) so that it is unique whatever case a client types. The dates are
    the clinic's local days, both included; a limit of 0 means no limit. With no services
    chosen it applies to every service."""

    __tablename__ = "coupon"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('amount', 'percent')", name="kind"),
        sa.CheckConstraint(
            "(kind = 'amount' AND value > 0) OR (kind = 'percent' AND value BETWEEN 1 AND 100)",
            name="value",
        ),
        sa.CheckConstraint("max_uses >= 0 AND max_uses_per_client >= 0", name="limits"),
        sa.CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until",
            name="dates",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(MAX_CODE_LENGTH), unique=True)
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(10))
    # Minor units off (kind "amount"), or whole percent off, 1 to 100 (kind "percent").
    value: Mapped[int]
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    max_uses: Mapped[int] = mapped_column(default=0)
    max_uses_per_client: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    services: Mapped[list[Service]] = relationship(
        secondary=coupon_service, order_by="Service.name"
    )
    uses: Mapped[list[CouponUse]] = relationship(
        back_populates="coupon", order_by="CouponUse.id.desc()"
    )


class CouponUse(db.Model):
    """A coupon taken by a booking. It counts against the coupon's limits while its
    appointment holds its time or happened (a cancelled booking keeps it); a hold that
    lapsed or a checkout that expired releases it (`released_at`, see coupons/uses.py)."""

    __tablename__ = "coupon_use"
    __table_args__ = (sa.CheckConstraint("amount_off >= 0", name="amount_off"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(sa.ForeignKey("coupon.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), unique=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client.id"), index=True)
    # The normalised email the booking gave: the per-client limit counts by it and by the
    # client record (a first booking has no record yet when the use is counted).
    client_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    amount_off: Mapped[int]
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coupon: Mapped[Coupon] = relationship(back_populates="uses")
    appointment: Mapped[Appointment] = relationship()
    client: Mapped[Client | None] = relationship()

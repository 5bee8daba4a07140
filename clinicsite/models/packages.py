"""Packages of sessions: a bundle on sale (five 60-minute massages for a set price), one
bought by a client, and each session drawn from it for a visit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.booking import Appointment
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clients import Client
from clinicsite.models.payments import StudioPayment
from clinicsite.models.types import UTCDateTime, utcnow

# pending (checkout open) -> active -> refunded; pending may end as expired (the checkout
# lapsed unpaid), and an active one expires once `expires_at` passes (shown as such at once,
# recorded when touched).
PURCHASE_STATUSES = ("pending", "active", "refunded", "expired")


class Package(db.Model):
    """A package on sale: `sessions` visits of one service at one length (its option),
    for `price`, to be used within `validity_days` of buying."""

    __tablename__ = "package"
    __table_args__ = (
        sa.CheckConstraint("sessions > 0", name="sessions"),
        sa.CheckConstraint("price > 0", name="price"),
        sa.CheckConstraint("validity_days > 0", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("service_option.id"))
    sessions: Mapped[int]
    price: Mapped[int]  # in the currency's minor unit
    currency: Mapped[str] = mapped_column(sa.String(3))
    validity_days: Mapped[int] = mapped_column(default=365)
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    service: Mapped[Service] = relationship()
    option: Mapped[ServiceOption] = relationship()


class PackagePurchase(db.Model):
    """A package bought (or being bought) by a client. `sessions_used` counts the sessions
    drawn and not returned; the money is `amount` (taken), less `amount_refunded`."""

    __tablename__ = "package_purchase"
    __table_args__ = (
        sa.CheckConstraint("sessions_total > 0", name="total"),
        sa.CheckConstraint("sessions_used >= 0 AND sessions_used <= sessions_total", name="used"),
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint("amount_refunded >= 0 AND amount_refunded <= amount", name="refunded"),
        sa.CheckConstraint("status IN ('pending', 'active', 'refunded', 'expired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random: the checkout's metadata, its idempotency keys and the buyer's receipt page.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client.id"), index=True)
    buyer_email: Mapped[str] = mapped_column(sa.String(254))
    buyer_name: Mapped[str] = mapped_column(sa.String(100))
    sessions_total: Mapped[int]
    sessions_used: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int]  # asked, then what the provider reports taken
    amount_refunded: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(sa.String(3))
    validity_days: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set on activation
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why staff should look (a wrong amount refunded); None once nothing needs them.
    attention: Mapped[str | None] = mapped_column(sa.String(300))
    # A month of a membership (models/memberships.py): granted by one paid invoice, once.
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("membership.id"), index=True)
    invoice_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)

    package: Mapped[Package] = relationship()
    client: Mapped[Client | None] = relationship()
    uses: Mapped[list[PackageUse]] = relationship(
        back_populates="purchase", order_by="PackageUse.id"
    )

    @property
    def sessions_left(self) -> int:
        return self.sessions_total - self.sessions_used

    def expired(self, now: datetime) -> bool:
        if self.status == "expired":
            return True
        return self.status == "active" and self.expires_at is not None and self.expires_at <= now

    def usable(self, now: datetime) -> bool:
        return self.status == "active" and not self.expired(now) and self.sessions_left > 0


class PackageUse(db.Model):
    """One session drawn for a visit: online when booking (no studio payment), or at the
    desk (`studio_payment_id`, whose voiding returns it). `value` is what it covered of the
    visit's price. A returned session keeps its row, with `returned_at`."""

    __tablename__ = "package_use"
    __table_args__ = (sa.CheckConstraint("value >= 0", name="value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(sa.ForeignKey("package_purchase.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    studio_payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("studio_payment.id"))
    value: Mapped[int]
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    purchase: Mapped[PackagePurchase] = relationship(back_populates="uses")
    # Appointment.package_uses, without touching models/booking.py.
    appointment: Mapped[Appointment] = relationship(
        backref=backref("package_uses", order_by="PackageUse.id")
    )
    studio_payment: Mapped[StudioPayment | None] = relationship()

"""Memberships: a monthly plan paid by a Stripe subscription, and a client's membership of
it. Each paid invoice grants that month's sessions as a package-like credit batch (a
PackagePurchase with `membership_id` and `invoice_id`, expiring at the period's end), so a
booking draws and returns a membership session through the packages' own code."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.catalogue import Service, ServiceOption
from clinicsite.models.clients import Client
from clinicsite.models.packages import Package, PackagePurchase
from clinicsite.models.types import UTCDateTime, utcnow

# pending (checkout open) -> active <-> past_due (a renewal failed) -> ended (the subscription
# was deleted); pending may end as expired (the checkout lapsed unpaid).
MEMBERSHIP_STATUSES = ("pending", "active", "past_due", "ended", "expired")


class MembershipPlan(db.Model):
    """A monthly plan on sale: `sessions_per_month` visits of one service at one length (its
    option) for `price` a month. `package` is the plan's credit carrier, never on sale
    itself: each month's sessions are a purchase of it."""

    __tablename__ = "membership_plan"
    __table_args__ = (
        sa.CheckConstraint("sessions_per_month > 0", name="sessions"),
        sa.CheckConstraint("price > 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("service_option.id"))
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), unique=True)
    sessions_per_month: Mapped[int]
    price: Mapped[int]  # a month, in the currency's minor unit
    currency: Mapped[str] = mapped_column(sa.String(3))
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    service: Mapped[Service] = relationship()
    option: Mapped[ServiceOption] = relationship()
    package: Mapped[Package] = relationship()


class Membership(db.Model):
    """A client's membership of a plan: its Stripe subscription and what we last read of it.
    The sessions are in `periods`, one per paid invoice."""

    __tablename__ = "membership"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'past_due', 'ended', 'expired')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random: the checkout's and the subscription's metadata, idempotency keys, receipt page.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("membership_plan.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("client.id"), index=True)
    buyer_email: Mapped[str] = mapped_column(sa.String(254))
    buyer_name: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    subscription_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    customer_id: Mapped[str | None] = mapped_column(sa.String(255))
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    # The last renewal that failed (its invoice), until a later invoice is paid.
    failed_invoice_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attention: Mapped[str | None] = mapped_column(sa.String(300))

    plan: Mapped[MembershipPlan] = relationship()
    client: Mapped[Client | None] = relationship()
    periods: Mapped[list[PackagePurchase]] = relationship(
        primaryjoin="Membership.id == foreign(PackagePurchase.membership_id)",
        order_by="PackagePurchase.expires_at",
        viewonly=True,
    )

    def current_period(self, now: datetime) -> PackagePurchase | None:
        """This month's sessions: the granted period that has not ended yet."""
        live = [p for p in self.periods if p.status == "active" and not p.expired(now)]
        return max(live, key=lambda p: p.expires_at, default=None)

    @property
    def live(self) -> bool:
        return self.status in ("active", "past_due")

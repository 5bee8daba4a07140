"""A day's takings in the clinic's time zone: deposits taken online, gift cards, packages
and membership months sold online, refunds, what was paid at the studio and the tips, by
method; closing a day out (after which its studio payments can't be voided or added to
until an admin reopens it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import (
    STUDIO_METHODS,
    Appointment,
    ClinicSettings,
    DayClose,
    GiftCardOrder,
    PackagePurchase,
    Payment,
    Refund,
    StudioPayment,
)

TAKEN = ("paid", "refunded")  # payment rows that took money (as appointments/deposit.py)
MAX_EXPORT_DAYS = 366


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone, from its settings row (UTC before any clinic is set up)."""
    clinic = db.session.get(ClinicSettings, 1)
    return clinic.tz if clinic else ZoneInfo("UTC")


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local day starts and ends at: 23 or 25 hours apart when the
    clocks change that day."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


# Studio "payments" that draw on something paid before (a package bought online).
PREPAID = ("package",)


@dataclass
class MethodTotal:
    method: str
    amount: int = 0
    tip: int = 0
    count: int = 0


@dataclass
class Takings:
    first: date
    last: date
    currency: str
    deposits: int = 0  # taken online, by the deposits' paid time
    refunds: int = 0  # given back, by the refunds' time (deposits' and packages')
    # Sold online, by the time the payment was confirmed: "gift_cards", "packages",
    # "memberships" (each paid month of a membership).
    sales: dict[str, int] = field(default_factory=dict)
    by_method: dict[str, MethodTotal] = field(default_factory=dict)
    payments: list[StudioPayment] = field(default_factory=list)  # voided ones too
    closed: DayClose | None = None

    @property
    def studio(self) -> int:
        """Money taken at the studio: a package session was paid for when the package was
        bought, so it is listed by method but not counted again here."""
        return sum(t.amount for m, t in self.by_method.items() if m not in PREPAID)

    @property
    def tips(self) -> int:
        return sum(t.tip for t in self.by_method.values())

    @property
    def net(self) -> int:
        """What the day brought in: deposits less refunds, the studio payments, the tips.
        A gift card spent is no money in (it came in when the card was sold)."""
        spent = self.by_method.get("gift_card")
        on_cards = spent.amount + spent.tip if spent else 0
        sold = sum(self.sales.values())
        return self.deposits + sold - self.refunds + self.studio + self.tips - on_cards

    def snapshot(self) -> dict:
        """The totals as plain values, kept with a close-out."""
        return {
            "currency": self.currency,
            "deposits": self.deposits,
            "sales": dict(self.sales),
            "refunds": self.refunds,
            "studio": self.studio,
            "tips": self.tips,
            "net": self.net,
            "by_method": {
                m: {"amount": t.amount, "tip": t.tip, "count": t.count}
                for m, t in self.by_method.items()
            },
            "payments": [p.id for p in self.payments if not p.voided],
        }


def _studio_payments(start: datetime, end: datetime) -> list[StudioPayment]:
    return list(
        db.session.scalars(
            sa.select(StudioPayment)
            .where(StudioPayment.recorded_at >= start, StudioPayment.recorded_at < end)
            .options(
                selectinload(StudioPayment.appointment).selectinload(Appointment.service),
                selectinload(StudioPayment.recorded_by),
                selectinload(StudioPayment.voided_by),
            )
            .order_by(StudioPayment.recorded_at, StudioPayment.id)
        )
    )


def _sales(start: datetime, end: datetime) -> tuple[dict[str, int], int]:
    """Gift cards, packages and membership months paid online in [start, end), and the
    package refunds made then. (A gift card order refunded for a wrong amount keeps no
    time of its refund: its day's sale still counts it.)"""

    def total(query) -> int:
        return db.session.scalar(query) or 0

    gift_cards = total(
        sa.select(sa.func.sum(GiftCardOrder.amount)).where(
            GiftCardOrder.paid_at >= start, GiftCardOrder.paid_at < end
        )
    )
    bought = sa.select(sa.func.sum(PackagePurchase.amount)).where(
        PackagePurchase.activated_at >= start, PackagePurchase.activated_at < end
    )
    packages = total(bought.where(PackagePurchase.membership_id.is_(None)))
    memberships = total(bought.where(PackagePurchase.membership_id.is_not(None)))
    refunds = total(
        sa.select(sa.func.sum(PackagePurchase.amount_refunded)).where(
            PackagePurchase.refunded_at >= start, PackagePurchase.refunded_at < end
        )
    )
    sales = {"gift_cards": gift_cards, "packages": packages, "memberships": memberships}
    return sales, refunds


def takings(first: date, last: date, tz: ZoneInfo, currency: str) -> Takings:
    """The takings of the local days `first` to `last` (inclusive)."""
    start, end = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
    result = Takings(first, last, currency)
    result.deposits = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
            Payment.status.in_(TAKEN),
            Payment.paid_at >= start,
            Payment.paid_at < end,
            Payment.provider != "gift_card",  # paid from a card: no money in that day
        )
    )
    result.refunds = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0))
        .join(Payment, Refund.payment_id == Payment.id)
        .where(
            Refund.created_at >= start,
            Refund.created_at < end,
            Payment.provider != "gift_card",  # back on the card: no money out
        )
    )
    result.sales, package_refunds = _sales(start, end)
    result.refunds += package_refunds
    result.by_method = {m: MethodTotal(m) for m in STUDIO_METHODS}
    result.payments = _studio_payments(start, end)
    for payment in result.payments:
        if payment.voided:
            continue
        total = result.by_method.setdefault(payment.method, MethodTotal(payment.method))
        total.amount += payment.amount
        total.tip += payment.tip
        total.count += 1
    if first == last:
        result.closed = closed_out(first)
    return result


def closed_out(day: date) -> DayClose | None:
    """The close-out standing for `day`, if it is closed."""
    return db.session.scalar(
        sa.select(DayClose)
        .where(DayClose.day == day, DayClose.reopened_at.is_(None))
        .order_by(DayClose.id.desc())
        .limit(1)
    )


def refuse_if_closed(moment: datetime) -> None:
    """NotAllowed when the day `moment` falls on (in the clinic's zone) is closed out."""
    day = local_day(moment, clinic_zone())
    if closed_out(day) is not None:
        raise NotAllowed(
            f"The takings of {day.isoformat()} are closed; an admin must reopen the day first."
        )


def close_day(day: date, actor: Actor, now: datetime, currency: str) -> DayClose:
    """Close out `day`'s takings, keeping its totals as they stand, and commit."""
    tz = clinic_zone()
    if day > local_day(now, tz):
        raise NotAllowed("A day can't be closed before it has begun.")
    if closed_out(day) is not None:
        raise NotAllowed(f"The takings of {day.isoformat()} are closed already.")
    totals = takings(day, day, tz, currency).snapshot()
    close = DayClose(day=day, closed_by_id=actor.staff_id, closed_at=now, totals=totals)
    db.session.add(close)
    db.session.commit()
    return close


def reopen_day(day: date, actor: Actor, now: datetime) -> DayClose:
    """Reopen a closed day (the close-out stays on record, marked reopened) and commit."""
    close = closed_out(day)
    if close is None:
        raise NotAllowed(f"The takings of {day.isoformat()} are not closed.")
    close.reopened_at = now
    close.reopened_by_id = actor.staff_id
    db.session.commit()
    return close


def export_rows(first: date, last: date, tz: ZoneInfo) -> Iterator[list[str]]:
    """Every studio payment of the local days `first` to `last` as rows of plain values
    (amounts as decimal strings), a header first."""
    from clinicsite.money import to_decimal_string

    if (last - first).days >= MAX_EXPORT_DAYS or last < first:
        raise NotAllowed(
            f"Please choose at most {MAX_EXPORT_DAYS} days, the first before the last."
        )
    start, end = day_bounds(first, tz)[0], day_bounds(last, tz)[1]
    yield [
        "recorded_at", "appointment", "client", "service", "method", "amount", "tip",
        "currency", "recorded_by", "voided_at", "voided_by", "void_reason", "note",
    ]  # fmt: skip
    for p in _studio_payments(start, end):
        yield [
            p.recorded_at.astimezone(tz).isoformat(timespec="minutes"),
            str(p.appointment_id),
            p.appointment.client_name,
            p.appointment.service.name,
            p.method,
            to_decimal_string(p.amount, p.currency),
            to_decimal_string(p.tip, p.currency),
            p.currency,
            p.recorded_by.name if p.recorded_by else "",
            p.voided_at.astimezone(tz).isoformat(timespec="minutes") if p.voided_at else "",
            p.voided_by.name if p.voided_by else "",
            p.void_reason,
            p.note,
        ]

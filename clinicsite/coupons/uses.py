"""Counting a coupon's uses under its row lock, and releasing the uses of lapsed holds.

A use counts while its appointment holds its time (an unexpired hold) or went ahead:
confirmed, completed, missed, or cancelled, because a cancellation keeps the code used
(the client had the discount on offer and chose to book; otherwise cancelling and rebooking
would turn a one-use code into an endless one). A hold that lapsed unpaid, or whose
checkout expired, releases it: that booking never happened. The rule is read from the
appointments at the moment of counting, so a lapse needs no job to release its use;
`released_at` records when a count first saw it released (for the staff page).

Two clients racing on a coupon's last use: each hold locks the coupon's row (SELECT ... FOR
UPDATE on PostgreSQL; on SQLite the hold's write transaction already serialises them) and
counts the live uses after the lock, so the second one sees the first one's use and is
refused."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from clinicsite.appointments.limits import normalise_email
from clinicsite.coupons.rules import CouponRefused, Priced, price_with
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Coupon, CouponUse

# Appointments whose coupon use counts whatever the time: booked, and not lapsed.
KEEP_USE = ("confirmed", "completed", "no_show", "cancelled")


def live(now: datetime):
    """The SQL condition on Appointment under which its coupon use counts at `now`."""
    return sa.or_(
        Appointment.status.in_(KEEP_USE),
        sa.and_(Appointment.status == "held", Appointment.hold_expires_at > now),
    )


def is_live(appointment: Appointment, now: datetime) -> bool:
    if appointment.status in KEEP_USE:
        return True
    return appointment.status == "held" and bool(
        appointment.hold_expires_at and appointment.hold_expires_at > now
    )


def count(
    coupon_id: int, now: datetime, email: str | None = None, client_id: int | None = None
) -> int:
    """Live uses of the coupon (by the client with `email`, normalised, or the client
    record `client_id`, when given)."""
    query = (
        sa.select(sa.func.count(CouponUse.id))
        .join(Appointment, CouponUse.appointment_id == Appointment.id)
        .where(CouponUse.coupon_id == coupon_id, live(now))
    )
    if email is not None:
        query = query.where(CouponUse.client_email == normalise_email(email))
    if client_id is not None:
        query = query.where(CouponUse.client_id == client_id)
    return db.session.scalar(query) or 0


def _uses_by_client(coupon_id: int, appointment: Appointment, email: str, now: datetime) -> int:
    """The client's live uses: by email address, or, for a client who gave none (a phone
    booking), by their client record; 0 when there is neither."""
    if email:
        return count(coupon_id, now, email)
    client = appointment.client
    if client is not None and client.id is not None:  # a new client has used nothing
        return count(coupon_id, now, client_id=client.id)
    return 0


def refresh_released(coupon: Coupon, now: datetime) -> None:
    """Stamp the uses released since the last look (and clear a stamp whose booking was paid
    late after all). The caller commits."""
    for use in coupon.uses:
        if is_live(use.appointment, now):
            use.released_at = None
        elif use.released_at is None:
            use.released_at = now


def lock(coupon_id: int) -> Coupon | None:
    return db.session.scalar(
        sa.select(Coupon)
        .where(Coupon.id == coupon_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def take(
    priced: Priced, appointment: Appointment, clinic: ClinicSettings, now: datetime
) -> CouponUse:
    """Record the coupon's use by the new `appointment` (in the hold's transaction, which
    commits or rolls back), after locking the coupon and counting its live uses. Raises
    CouponRefused when it is used up, or was changed since it was priced."""
    coupon = lock(priced.coupon.id)
    if coupon is None:
        raise CouponRefused(f"The code {priced.code} is no longer in use.")
    again = price_with(
        coupon, appointment.service, priced.price, priced.deposit_before, clinic, now
    )
    if (again.discount, again.deposit) != (priced.discount, priced.deposit):
        raise CouponRefused(
            f"The code {coupon.code} changed a moment ago; please send the form again."
        )
    if coupon.max_uses and count(coupon.id, now) >= coupon.max_uses:
        raise CouponRefused(f"The code {coupon.code} has been used up.")
    email = normalise_email(appointment.client_email) if appointment.client_email else ""
    used = _uses_by_client(coupon.id, appointment, email, now) if coupon.max_uses_per_client else 0
    if coupon.max_uses_per_client and used >= coupon.max_uses_per_client:
        times = (
            "once" if coupon.max_uses_per_client == 1 else (f"{coupon.max_uses_per_client} times")
        )
        raise CouponRefused(
            f"The code {coupon.code} can be used {times} per client, "
            f"and this {'email address' if email else 'client'} has used it already."
        )
    appointment.coupon_code = coupon.code
    appointment.coupon_discount = priced.discount
    use = CouponUse(
        coupon=coupon,
        appointment=appointment,
        client=appointment.client,
        client_email=email,
        amount_off=priced.discount,
        used_at=now,
    )
    db.session.add(use)
    return use


def uses_of(coupon: Coupon) -> list[CouponUse]:
    return list(
        db.session.scalars(
            sa.select(CouponUse)
            .where(CouponUse.coupon_id == coupon.id)
            .options(sa.orm.selectinload(CouponUse.appointment))
            .order_by(CouponUse.id.desc())
        )
    )

"""Which uses of a coupon count: a live hold, a booking that went ahead, a cancelled one
(the code stays used); not a hold that lapsed or a checkout that expired. Staff see when a
use was released, and a late payment that re-takes the time counts it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clinicsite.coupons import uses
from clinicsite.extensions import db
from clinicsite.models import Appointment, Coupon, CouponUse
from tests.coupons.helpers import make_coupon
from tests.support.staff_helpers import make_appointment

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
VISIT = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


def used_by(app, coupon_id: int, status: str, hold_expires_at=None, email="a@example.com"):
    appt_id = make_appointment(app, VISIT, deposit=True)
    with app.app_context():
        appt = db.session.get(Appointment, appt_id)
        appt.status, appt.hold_expires_at = status, hold_expires_at
        appt.coupon_code, appt.coupon_discount = "SPRING", 2000
        db.session.add(
            CouponUse(coupon_id=coupon_id, appointment=appt, client_email=email, amount_off=2000)
        )
        db.session.commit()
    return appt_id


@pytest.mark.parametrize(
    ("status", "expires_in", "counts"),
    [
        ("held", timedelta(minutes=5), True),
        ("held", timedelta(minutes=-1), False),  # the hold lapsed, not yet marked expired
        ("expired", None, False),
        ("confirmed", None, True),
        ("completed", None, True),
        ("no_show", None, True),
        ("cancelled", None, True),  # a cancellation keeps the code used
    ],
)
def test_a_use_counts_while_its_booking_stands(clinic, status, expires_in, counts):
    coupon_id = make_coupon(clinic)
    used_by(clinic, coupon_id, status, NOW + expires_in if expires_in else None)
    with clinic.app_context():
        assert uses.count(coupon_id, NOW) == int(counts)


def test_per_client_counts_by_the_normalised_email(clinic):
    coupon_id = make_coupon(clinic)
    used_by(clinic, coupon_id, "confirmed", email="ana@example.com")
    with clinic.app_context():
        assert uses.count(coupon_id, NOW, "Ana+spring@Example.COM") == 1
        assert uses.count(coupon_id, NOW, "bo@example.com") == 0


def test_released_uses_are_stamped_and_a_late_payment_counts_again(clinic):
    coupon_id = make_coupon(clinic)
    appt_id = used_by(clinic, coupon_id, "expired")
    with clinic.app_context():
        coupon = db.session.get(Coupon, coupon_id)
        uses.refresh_released(coupon, NOW)
        db.session.commit()
        [use] = coupon.uses
        assert use.released_at == NOW
        db.session.get(Appointment, appt_id).status = "confirmed"  # paid late, time re-taken
        uses.refresh_released(coupon, NOW + timedelta(hours=1))
        db.session.commit()
        assert use.released_at is None and uses.count(coupon_id, NOW) == 1

"""Making coupons for tests, straight in the database."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Coupon, Service


def make_coupon(app, code="SPRING", kind="amount", value=2000, services=(), **fields) -> int:
    with app.app_context():
        coupon = Coupon(code=code, kind=kind, value=value, **fields)
        coupon.services = [
            db.session.scalar(sa.select(Service).filter_by(slug=slug)) for slug in services
        ]
        db.session.add(coupon)
        db.session.commit()
        return coupon.id


def set_coupon(app, coupon_id: int, **fields) -> None:
    with app.app_context():
        coupon = db.session.get(Coupon, coupon_id)
        for name, value in fields.items():
            setattr(coupon, name, value)
        db.session.commit()

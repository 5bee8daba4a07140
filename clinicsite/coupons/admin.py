"""What staff do to coupons: create, edit, deactivate, each recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.audit import Actor
from clinicsite.coupons.rules import code_problem, normalise
from clinicsite.extensions import db
from clinicsite.models import AuditEvent, Coupon, Service


class CouponInvalid(Exception):
    """The values cannot make a coupon; `field` names the one to change."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class CouponValues:
    code: str
    kind: str
    value: int  # minor units for "amount", whole percent for "percent"
    description: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    max_uses: int = 0
    max_uses_per_client: int = 0
    active: bool = True
    services: list[Service] = field(default_factory=list)


def snapshot(coupon: Coupon) -> dict[str, Any]:
    return {
        "code": coupon.code,
        "kind": coupon.kind,
        "value": coupon.value,
        "description": coupon.description,
        "valid_from": coupon.valid_from.isoformat() if coupon.valid_from else None,
        "valid_until": coupon.valid_until.isoformat() if coupon.valid_until else None,
        "max_uses": coupon.max_uses,
        "max_uses_per_client": coupon.max_uses_per_client,
        "active": coupon.active,
        "services": [s.id for s in coupon.services],
    }


def check(values: CouponValues, coupon: Coupon | None = None) -> str:
    """The normalised code, once every value is possible. Raises CouponInvalid."""
    code = normalise(values.code)
    problem = code_problem(code)
    if problem:
        raise CouponInvalid("code", problem)
    taken = db.session.scalar(sa.select(Coupon.id).where(Coupon.code == code))
    if taken is not None and (coupon is None or taken != coupon.id):
        raise CouponInvalid("code", f"Another coupon already has the code {code}.")
    if values.kind not in ("amount", "percent"):
        raise CouponInvalid("kind", "Please choose an amount off or a percentage off.")
    if values.kind == "percent" and not 1 <= values.value <= 100:
        raise CouponInvalid("value", "A percentage off is a whole number from 1 to 100.")
    if values.kind == "amount" and values.value <= 0:
        raise CouponInvalid("value", "An amount off is more than 0.")
    if values.valid_from and values.valid_until and values.valid_from > values.valid_until:
        raise CouponInvalid("valid_until", "The last day comes before the first day.")
    if values.max_uses < 0 or values.max_uses_per_client < 0:
        raise CouponInvalid("max_uses", "A limit is 0 (no limit) or more.")
    return code


def _apply(coupon: Coupon, values: CouponValues, code: str) -> None:
    coupon.code = code
    coupon.kind = values.kind
    coupon.value = values.value
    coupon.description = values.description
    coupon.valid_from = values.valid_from
    coupon.valid_until = values.valid_until
    coupon.max_uses = values.max_uses
    coupon.max_uses_per_client = values.max_uses_per_client
    coupon.active = values.active
    coupon.services = list(values.services)


def create(values: CouponValues, actor: Actor) -> Coupon:
    code = check(values)
    coupon = Coupon()
    _apply(coupon, values, code)
    db.session.add(coupon)
    db.session.flush()
    audit.record_change("coupon", coupon.id, "created", actor, {}, snapshot(coupon))
    db.session.commit()
    return coupon


def update(coupon: Coupon, values: CouponValues, actor: Actor) -> Coupon:
    """Change a coupon. Uses already taken keep the discount they were booked with."""
    code = check(values, coupon)
    before = snapshot(coupon)
    _apply(coupon, values, code)
    audit.record_change("coupon", coupon.id, "updated", actor, before, snapshot(coupon))
    db.session.commit()
    return coupon


def set_active(coupon: Coupon, active: bool, actor: Actor) -> None:
    if coupon.active == active:
        return
    before = snapshot(coupon)
    coupon.active = active
    action = "reactivated" if active else "deactivated"
    audit.record_change("coupon", coupon.id, action, actor, before, snapshot(coupon))
    db.session.commit()


def history(coupon: Coupon):
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.subject_type == "coupon", AuditEvent.subject_id == coupon.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )

"""The demo clinic's coupons (content/coupons.toml): created once by code, never changed
after, like the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from clinicsite.coupons.rules import normalise
from clinicsite.extensions import db
from clinicsite.models import Coupon, Service


def load_coupons(specs: list[dict[str, Any]], count: Callable[[str, bool], None]) -> None:
    for spec in specs:
        code = normalise(spec["code"])
        new = db.session.scalar(sa.select(Coupon.id).where(Coupon.code == code)) is None
        if new:
            coupon = Coupon(
                code=code,
                description=spec.get("description", ""),
                kind=spec["kind"],
                value=spec["value"],
                max_uses=spec.get("max_uses", 0),
                max_uses_per_client=spec.get("max_uses_per_client", 0),
            )
            slugs = spec.get("services", [])
            if slugs:
                coupon.services = list(
                    db.session.scalars(sa.select(Service).where(Service.slug.in_(slugs)))
                )
            db.session.add(coupon)
        count("coupons", new)
    db.session.flush()

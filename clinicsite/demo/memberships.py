"""The demo clinic's membership plans (content/memberships.toml): created once per slug,
never changed after, like the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.memberships.plans import create_plan
from clinicsite.models import MembershipPlan, Service


def load_memberships(
    specs: list[dict[str, Any]],
    services: dict[str, Service],
    currency: str,
    count: Callable[[str, bool], None],
) -> None:
    for position, spec in enumerate(specs):
        exists = db.session.scalar(
            sa.select(MembershipPlan.id).where(MembershipPlan.slug == spec["slug"])
        )
        if exists is None:
            service = services[spec["service"]]
            option = next(o for o in service.options if o.duration_minutes == spec["minutes"])
            create_plan(
                slug=spec["slug"],
                name=spec["name"],
                description=spec.get("description", ""),
                option=option,
                sessions_per_month=spec["sessions_per_month"],
                price=spec["price"],
                currency=currency,
                sort=position,
            )
        count("memberships", exists is None)

"""The membership plans on sale, and making one (with the package that carries its monthly
sessions: never on sale itself, so /packages/ and /staff/packages/ leave it out)."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import MembershipPlan, Package, ServiceOption

# A month's sessions last at most this long (the invoice's period says exactly).
PERIOD_DAYS = 31


def on_sale() -> list[MembershipPlan]:
    return list(
        db.session.scalars(
            sa.select(MembershipPlan)
            .where(MembershipPlan.active.is_(True))
            .order_by(MembershipPlan.sort, MembershipPlan.name, MembershipPlan.id)
        )
    )


def carrier_ids() -> sa.Select:
    """The packages that carry memberships' sessions (for queries that leave them out)."""
    return sa.select(MembershipPlan.package_id)


def create_plan(
    *,
    slug: str,
    name: str,
    option: ServiceOption,
    sessions_per_month: int,
    price: int,
    currency: str,
    description: str = "",
    sort: int = 0,
    active: bool = True,
) -> MembershipPlan:
    """A plan and its carrier package, added to the session (the caller commits)."""
    carrier = Package(
        slug=f"membership-{slug}"[:80],
        name=name,
        description="The monthly sessions of a membership.",
        service_id=option.service_id,
        option=option,
        sessions=sessions_per_month,
        price=price,
        currency=currency,
        validity_days=PERIOD_DAYS,
        active=False,
    )
    plan = MembershipPlan(
        slug=slug,
        name=name,
        description=description,
        service_id=option.service_id,
        option=option,
        package=carrier,
        sessions_per_month=sessions_per_month,
        price=price,
        currency=currency,
        sort=sort,
        active=active,
    )
    db.session.add_all([carrier, plan])
    db.session.flush()
    return plan

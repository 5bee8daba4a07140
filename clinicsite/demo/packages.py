"""The demo clinic's packages of sessions (content/packages.toml): created once per slug,
never changed after, like the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Package, Service


def load_packages(
    specs: list[dict[str, Any]],
    services: dict[str, Service],
    currency: str,
    count: Callable[[str, bool], None],
) -> None:
    for position, spec in enumerate(specs):
        exists = db.session.scalar(sa.select(Package.id).where(Package.slug == spec["slug"]))
        if exists is None:
            service = services[spec["service"]]
            option = next(o for o in service.options if o.duration_minutes == spec["minutes"])
            db.session.add(
                Package(
                    slug=spec["slug"],
                    name=spec["name"],
                    description=spec.get("description", ""),
                    service=service,
                    option=option,
                    sessions=spec["sessions"],
                    price=spec["price"],
                    currency=currency,
                    validity_days=spec.get("validity_days", 365),
                    sort=position,
                )
            )
        count("packages", exists is None)
    db.session.flush()

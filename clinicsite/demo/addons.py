"""The demo clinic's add-ons (the `add_ons` of a service in content/services.toml): created
once per service and name, never changed after, like the rest of the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clinicsite.extensions import db
from clinicsite.models import AddOn, Service


def load_add_ons(
    specs: list[dict[str, Any]], services: dict[str, Service], count: Callable[[str, bool], None]
) -> None:
    for spec in specs:
        service = services[spec["slug"]]
        have = {a.name for a in service.add_ons}
        for position, a in enumerate(spec.get("add_ons", [])):
            new = a["name"] not in have
            if new:
                db.session.add(
                    AddOn(
                        service=service,
                        name=a["name"],
                        description=a.get("description", ""),
                        extra_minutes=a["minutes"],
                        price=a["price"],
                        position=position,
                    )
                )
            count("add-ons", new)
    db.session.flush()

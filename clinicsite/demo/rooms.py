"""The demo studios' rooms and equipment (locations.toml's `rooms` and `equipment`): each
row is added once, found again by its studio and name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Equipment, Location, Room


def load_rooms(
    specs: list[dict[str, Any]], locations: dict[str, Location], count: Callable[[str, bool], None]
) -> None:
    for spec in specs:
        studio = locations[spec["slug"]]
        for position, room in enumerate(spec.get("rooms", [])):
            made = _add_once(Room, studio, room["name"], kind=room["kind"], position=position)
            count("rooms", made)
        for item in spec.get("equipment", []):
            count("equipment", _add_once(Equipment, studio, item["name"], count=item["count"]))
    db.session.flush()


def _add_once(model, studio: Location, name: str, **fields) -> bool:
    exists = db.session.scalar(
        sa.select(model.id).where(model.location_id == studio.id, model.name == name)
    )
    if exists is None:
        db.session.add(model(location_id=studio.id, name=name, **fields))
    return exists is None

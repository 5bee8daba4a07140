"""The demo studios have rooms (two at Hermosa Beach, three at Culver City, each with a
prenatal-table room), prenatal massage needs that kind, and the demo's visits hold rooms
without ever sharing one."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import BLOCKING, Appointment, Equipment, Location, Room, Service


def test_seed_demo_gives_the_studios_rooms_once(app, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: datetime(2026, 12, 3, 18, 0, tzinfo=UTC))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # run twice: nothing doubled
    with app.app_context():
        kinds = {
            studio.slug: sorted(
                db.session.scalars(sa.select(Room.kind).filter_by(location_id=studio.id))
            )
            for studio in db.session.scalars(sa.select(Location).filter_by(kind="studio"))
        }
        assert kinds == {
            "hermosa-beach-studio": ["prenatal table", "treatment"],
            "culver-city-studio": ["prenatal table", "treatment", "treatment"],
        }
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Equipment)) == 1
        prenatal = db.session.scalar(sa.select(Service).filter_by(slug="prenatal-massage"))
        assert prenatal.room_kind == "prenatal table"

        held = db.session.scalars(  # at a studio: a home visit holds no room
            sa.select(Appointment).where(
                Appointment.status.in_(BLOCKING), Appointment.visit_area_id.is_(None)
            )
        ).all()
        assert held and all(a.room is not None for a in held)
        assert all(a.room.kind == "prenatal table" for a in held if a.service_id == prenatal.id)
        for a in held:
            assert a.room.location_id == a.location_id
            sharing = [
                b
                for b in held
                if b.id != a.id
                and b.room_id == a.room_id
                and b.starts_at < a.blocks_until
                and a.starts_at < b.blocks_until
            ]
            assert sharing == [], f"{a.room.name} is double-booked"

"""A studio with rooms for the room tests: two rooms, three therapists working every day
09:00-17:00 there, and a 60-minute service with a 15-minute buffer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask

from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Equipment, Location, Room, ServiceOption, Therapist
from tests.support.factories import make_clinic, make_location, make_service, make_therapist

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
START = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles


@dataclass(frozen=True)
class Studio:
    location_id: int
    service_id: int
    option_id: int
    therapist_ids: tuple[int, ...]
    room_ids: tuple[int, ...]


def studio_with_rooms(
    app: Flask,
    rooms=(("Room 1", "treatment"), ("Room 2", "treatment")),
    therapists: int = 3,
    equipment=(),
    **service_fields,
) -> Studio:
    """`rooms` are (name, kind); `equipment` (name, count); the service takes
    `service_fields` (room_kind, needs_room, equipment_needed)."""
    with app.app_context():
        make_clinic(min_notice_hours=0)
        location = make_location(name="Pier Studio")
        service = make_service(
            "Sports massage", options=((60, 12000, 0),), buffer_minutes=15, **service_fields
        )
        people = [
            make_therapist(
                services=[service],
                hours=[(location, day, "09:00", "17:00") for day in range(7)],
                name=f"Therapist {i + 1}",
            )
            for i in range(therapists)
        ]
        made = [
            Room(location=location, name=name, kind=kind, position=i)
            for i, (name, kind) in enumerate(rooms)
        ]
        db.session.add_all(made)
        db.session.add_all(
            Equipment(location=location, name=name, count=count) for name, count in equipment
        )
        db.session.commit()
        return Studio(
            location.id,
            service.id,
            service.options[0].id,
            tuple(t.id for t in people),
            tuple(r.id for r in made),
        )


def book(app, studio, therapist: int, start=START, email=None) -> int:
    """Hold `start` with the studio's `therapist`-th therapist; returns the id."""
    with app.app_context():
        therapist_row = db.session.get(Therapist, studio.therapist_ids[therapist])
        who = ClientDetails(name="Ana", email=email or f"c{therapist}-{start:%H%M}@example.com")
        appointment = hold(
            HoldRequest(
                db.session.get(ServiceOption, studio.option_id),
                therapist_row,
                db.session.get(Location, studio.location_id),
                start,
                who,
            ),
            get_clinic(),
            NOW,
        )
        return appointment.id

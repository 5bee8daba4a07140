"""Booking claims a room under the lock: a studio with two rooms takes two visits at once
whatever the number of therapists free, the third is refused with NoRoomFree and is not
offered; kinds and equipment are respected; a studio without rooms is as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.rescheduling import reschedule
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Room, ServiceOption, Therapist
from clinicsite.scheduling.rooms import NoRoomFree
from clinicsite.scheduling.slots import find_slots
from tests.support.room_helpers import NOW, START, book, studio_with_rooms

HOUR = timedelta(hours=1)


def room_of(app, appointment_id) -> str | None:
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        return appointment.room.name if appointment.room else None


def offered(app, studio, day_start=START) -> dict:
    """{start: number of therapists offered} for the day of `day_start`."""
    with app.app_context():
        option = db.session.get(ServiceOption, studio.option_id)
        therapists = [db.session.get(Therapist, i) for i in studio.therapist_ids]
        clinic = get_clinic()
        day = day_start.astimezone(clinic.tz).date()
        counts: dict = {}
        for slot in find_slots(option, therapists, [day], clinic, NOW):
            counts[slot.start] = counts.get(slot.start, 0) + 1
        return counts


def test_two_rooms_take_two_visits_and_refuse_the_third(app):
    studio = studio_with_rooms(app)
    first, second = book(app, studio, 0), book(app, studio, 1)
    assert {room_of(app, first), room_of(app, second)} == {"Room 1", "Room 2"}
    with pytest.raises(NoRoomFree, match="At Pier Studio no room is free then"):
        book(app, studio, 2)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 2


def test_a_time_with_both_rooms_taken_is_not_offered_to_the_free_therapist(app):
    studio = studio_with_rooms(app)
    assert offered(app, studio)[START] == 3
    book(app, studio, 0)
    assert offered(app, studio)[START] == 2  # therapist 1 is busy, two others are free
    book(app, studio, 1)
    free = offered(app, studio)
    assert START not in free
    # The rooms stay taken through the 15-minute buffer: 11:00 is too early, 11:15 fine.
    assert START + HOUR not in free and START + HOUR + timedelta(minutes=15) in free


def test_a_studio_without_rooms_takes_as_many_visits_as_therapists(app):
    studio = studio_with_rooms(app, rooms=())
    ids = [book(app, studio, i) for i in range(3)]
    assert [room_of(app, i) for i in ids] == [None, None, None]


def test_an_inactive_room_takes_no_visit(app):
    studio = studio_with_rooms(app)
    with app.app_context():
        db.session.get(Room, studio.room_ids[1]).active = False
        db.session.commit()
    assert room_of(app, book(app, studio, 0)) == "Room 1"
    with pytest.raises(NoRoomFree):
        book(app, studio, 1)
    assert START not in offered(app, studio)


def test_a_service_needing_a_kind_gets_only_that_kind(app):
    studio = studio_with_rooms(
        app,
        rooms=(("Room 1", "treatment"), ("Bay room", "prenatal table")),
        room_kind="prenatal table",
    )
    assert room_of(app, book(app, studio, 0)) == "Bay room"
    with pytest.raises(NoRoomFree):
        book(app, studio, 1)


def test_any_room_visits_leave_the_special_room_for_those_who_need_it(app):
    studio = studio_with_rooms(app, rooms=(("Bay room", "prenatal table"), ("Room 2", "treatment")))
    with app.app_context():
        from tests.support.factories import make_service

        make_service("Prenatal", room_kind="prenatal table")  # someone asks for that kind
        db.session.commit()
    assert room_of(app, book(app, studio, 0)) == "Room 2"
    assert room_of(app, book(app, studio, 1)) == "Bay room"  # the last room left


def test_a_service_needing_no_room_is_not_limited_by_rooms(app):
    studio = studio_with_rooms(app, rooms=(("Room 1", "treatment"),), needs_room=False)
    ids = [book(app, studio, i) for i in range(3)]
    assert [room_of(app, i) for i in ids] == [None, None, None]


def test_equipment_limits_visits_at_once(app):
    studio = studio_with_rooms(
        app,
        rooms=(),
        equipment=(("hot-stone heater", 1),),
        equipment_needed="hot-stone heater",
    )
    book(app, studio, 0)
    with pytest.raises(NoRoomFree, match="no hot-stone heater is free"):
        book(app, studio, 1)
    assert START not in offered(app, studio)
    book(app, studio, 1, start=START + HOUR + timedelta(minutes=15))


def test_a_move_takes_a_room_at_the_new_time_and_frees_the_old(app):
    studio = studio_with_rooms(app, rooms=(("Room 1", "treatment"),))
    moved = book(app, studio, 0)
    later = START + 3 * HOUR
    book(app, studio, 1, start=later + HOUR + timedelta(minutes=15))
    with app.app_context():
        appointment = db.session.get(Appointment, moved)
        appointment.status = "confirmed"
        db.session.commit()
        reschedule(
            appointment,
            later,
            appointment.therapist,
            appointment.location,
            get_clinic(),
            NOW,
            enforce_policy=False,
        )
    assert room_of(app, moved) == "Room 1"
    book(app, studio, 2)  # the old time's room is free again

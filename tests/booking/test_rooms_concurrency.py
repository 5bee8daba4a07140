"""Rooms are never double-booked: many therapists free at once at a two-room studio, all
booked at the same moment, yield exactly two holds. Runs on the SQLite file and, with
TEST_DATABASE_URL, on PostgreSQL (where the lock removed double-books)."""

from __future__ import annotations

import threading
import time as time_module

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceOption, Therapist
from clinicsite.scheduling import rooms
from tests.support.app import make_app, wipe
from tests.support.room_helpers import NOW, START, studio_with_rooms

ATTEMPTS = 12


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=ATTEMPTS + 5)
    app.config["STUDIO"] = studio_with_rooms(app, therapists=ATTEMPTS)
    yield app
    wipe(app)


def race(app) -> tuple[int, int, list[BaseException]]:
    """Each thread books its own therapist at START at the same moment."""
    studio = app.config["STUDIO"]
    barrier = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            with app.app_context():  # its own session, its own connection
                option = db.session.get(ServiceOption, studio.option_id)
                therapist = db.session.get(Therapist, studio.therapist_ids[i])
                location = db.session.get(Location, studio.location_id)
                clinic = get_clinic()
                client = ClientDetails(name=f"Client {i}", email=f"c{i}@example.com")
                barrier.wait(timeout=30)
                try:
                    hold(HoldRequest(option, therapist, location, START, client), clinic, NOW)
                    results.append("held")
                except SlotTaken:  # rooms.NoRoomFree
                    results.append("taken")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results.count("held"), results.count("taken"), errors


def rooms_held(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Appointment.room_id).order_by("room_id")))


def slow_room_check(monkeypatch):
    """Widen the race window: wait between reading the taken rooms and the insert."""
    original = rooms._taken

    def read_then_pause(*args, **kwargs):
        answer = original(*args, **kwargs)
        time_module.sleep(0.05)
        return answer

    monkeypatch.setattr(rooms, "_taken", read_then_pause)


def test_simultaneous_bookings_of_free_therapists_fill_the_two_rooms_once(race_app, monkeypatch):
    slow_room_check(monkeypatch)
    held, refused, errors = race(race_app)
    assert errors == []
    assert (held, refused) == (2, ATTEMPTS - 2)
    assert rooms_held(race_app) == sorted(race_app.config["STUDIO"].room_ids)


def test_without_the_studio_lock_the_same_race_double_books_rooms(race_app, monkeypatch):
    """Shows the test above can fail. Only on PostgreSQL: on SQLite each therapist's lock
    already makes the transaction the file's one writer."""
    if race_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises every booking on its write lock")
    slow_room_check(monkeypatch)
    monkeypatch.setattr(
        rooms, "lock_studio", lambda location_id: db.session.get(Location, location_id)
    )
    held, _, errors = race(race_app)
    assert errors == []
    assert held > 2
    assert len(rooms_held(race_app)) > len(set(rooms_held(race_app)))

"""The booking lock covers travel: two clients booking one therapist at once, a home visit in
Redondo Beach at 10:00 and one in Santa Monica at 11:30 (40 minutes apart by road, and the
first visit with its buffer ends at 11:15), yield exactly one booking, round after round.
The times do not overlap, so only the travel check under the lock can refuse the second.
Runs on the SQLite file and, with TEST_DATABASE_URL, on PostgreSQL (where the lock removed
lets both through)."""

from __future__ import annotations

import threading
import time as time_module
from datetime import datetime, time

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceArea, ServiceOption, Therapist
from clinicsite.scheduling import holds, travel_times
from tests.scheduling.home_visit_clinic import DAY, NOW, home_visit_clinic
from tests.support.app import make_app, wipe

ROUNDS = 5
REDONDO, SANTA_MONICA = 0, 1  # indexes into the clinic's areas: 40 minutes apart, set by hand
BOOKINGS = ((REDONDO, time(10)), (SANTA_MONICA, time(11, 30)))


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=10)
    app.config["HOME_VISITS"] = home_visit_clinic(app, therapists=1)
    yield app
    wipe(app)


def race(app) -> tuple[int, int, list[BaseException]]:
    """Each thread books one of BOOKINGS at the same moment; returns (held, refused, errors)."""
    setup = app.config["HOME_VISITS"]
    barrier = threading.Barrier(len(BOOKINGS))
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(i: int, area_index: int, clock: time) -> None:
        try:
            with app.app_context():  # its own session, its own connection
                clinic = get_clinic()
                request = HoldRequest(
                    db.session.get(ServiceOption, setup.option_ids[0]),
                    db.session.get(Therapist, setup.therapist_ids[0]),
                    db.session.get(Location, setup.mobile_id),
                    datetime.combine(DAY, clock, clinic.tz),
                    ClientDetails(name=f"Client {i}", email=f"c{i}@example.com"),
                    visit_area=db.session.get(ServiceArea, setup.area_ids[area_index]),
                    visit_address=f"{i + 1} Ocean Avenue",
                    visit_postal_code="90000",
                )
                barrier.wait(timeout=30)
                try:
                    hold(request, clinic, NOW)
                    results.append("held")
                except SlotTaken:
                    results.append("taken")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [
        threading.Thread(target=attempt, args=(i, *booking)) for i, booking in enumerate(BOOKINGS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results.count("held"), results.count("taken"), errors


def booked(app) -> int:
    """The visits holding their time; the others are cancelled for the next round."""
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(Appointment.status == "confirmed")
        )
        db.session.execute(sa.update(Appointment).values(status="cancelled"))
        db.session.commit()
        return count


def slow_travel_check(monkeypatch):
    """Widen the race window: wait between the travel check and the insert."""
    original = travel_times.too_close

    def checked_then_pause(*args, **kwargs):
        answer = original(*args, **kwargs)
        time_module.sleep(0.05)
        return answer

    monkeypatch.setattr(travel_times, "too_close", checked_then_pause)


def test_two_home_visits_too_far_apart_for_the_road_booked_at_once_yield_one(race_app, monkeypatch):
    slow_travel_check(monkeypatch)
    for _ in range(ROUNDS):
        held, refused, errors = race(race_app)
        assert errors == []
        assert (held, refused) == (1, 1)
        assert booked(race_app) == 1


def test_without_the_lock_the_same_race_books_both(race_app, monkeypatch):
    """Shows the test above can fail. Only on PostgreSQL: on SQLite the first booking's
    write already makes its transaction the file's one writer."""
    if race_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises every booking on its write lock")
    slow_travel_check(monkeypatch)
    monkeypatch.setattr(holds, "lock_therapists", lambda *ids: None)
    held, _, errors = race(race_app)
    assert errors == []
    assert held == 2
    assert booked(race_app) == 2

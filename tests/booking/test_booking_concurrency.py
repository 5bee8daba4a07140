"""The database forbids double booking: simultaneous attempts on overlapping times of one
therapist yield exactly one hold. Runs on the SQLite file and, in CI, on PostgreSQL."""

from __future__ import annotations

import threading
import time as time_module
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceOption, Therapist
from clinicsite.scheduling import holds
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

ATTEMPTS = 20
NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
START = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=ATTEMPTS + 5)
    load_fixture_clinic(app)
    with app.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where(
                ServiceOption.deposit > 0, ServiceOption.duration_minutes == 60
            )
        )
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        location = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        app.config["RACE"] = (option.id, therapist.id, location.id)
    yield app
    wipe(app)


def race(app, starts: list[datetime]) -> tuple[int, int, list[BaseException]]:
    """Each thread books one start at the same moment; returns (held, refused, errors)."""
    option_id, therapist_id, location_id = app.config["RACE"]
    barrier = threading.Barrier(len(starts))
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(i: int, start: datetime) -> None:
        try:
            with app.app_context():  # its own session, its own connection
                option = db.session.get(ServiceOption, option_id)
                therapist = db.session.get(Therapist, therapist_id)
                location = db.session.get(Location, location_id)
                clinic = get_clinic()
                client = ClientDetails(name=f"Client {i}", email=f"c{i}@example.com")
                barrier.wait(timeout=30)
                try:
                    hold(HoldRequest(option, therapist, location, start, client), clinic, NOW)
                    results.append("held")
                except SlotTaken:
                    results.append("taken")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i, s)) for i, s in enumerate(starts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results.count("held"), results.count("taken"), errors


def holds_in_db(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))


def overlapping_starts() -> list[datetime]:
    # Every start overlaps every other: a 60-minute session starting 0..45 minutes apart.
    return [START + timedelta(minutes=15 * (i % 4)) for i in range(ATTEMPTS)]


def slow_overlap_check(monkeypatch):
    """Widen the race window: wait between the overlap check and the insert."""
    original = holds.overlaps

    def checked_then_pause(*args, **kwargs):
        answer = original(*args, **kwargs)
        time_module.sleep(0.05)
        return answer

    monkeypatch.setattr(holds, "overlaps", checked_then_pause)


def test_simultaneous_overlapping_bookings_yield_exactly_one_hold(race_app, monkeypatch):
    slow_overlap_check(monkeypatch)
    held, refused, errors = race(race_app, overlapping_starts())
    assert errors == []
    assert (held, refused) == (1, ATTEMPTS - 1)
    assert holds_in_db(race_app) == 1


def test_without_the_lock_the_same_race_double_books(race_app, monkeypatch):
    """Shows the test above can fail: remove the lock and several holds get through."""
    slow_overlap_check(monkeypatch)
    monkeypatch.setattr(holds, "lock_therapists", lambda *ids: None)
    held, _, errors = race(race_app, overlapping_starts())
    assert errors == []
    assert held > 1
    assert holds_in_db(race_app) == held


def test_non_overlapping_times_all_succeed_at_once(race_app):
    # Two hours apart (a session plus its buffer fits): serialised, none refused.
    starts = [START + timedelta(hours=2 * h) for h in range(-1, 3)]
    held, refused, errors = race(race_app, starts)
    assert errors == [] and (held, refused) == (len(starts), 0)

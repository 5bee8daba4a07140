"""The double-booking guarantee holds for a visit stretched by an add-on: a booking with an
extra half hour and a booking in that half hour, made at the same moment, cannot both
succeed. Runs on the SQLite file and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    AddOn,
    Appointment,
    AppointmentAddOn,
    Location,
    ServiceOption,
    Therapist,
)
from tests.booking.test_booking_concurrency import slow_overlap_check
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

ROUNDS = 5
NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
START = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00: Dana at Hermosa Beach
# 60 minutes and the 15-minute buffer: free again at 11:15, unless 30 extra minutes were added.
IN_THE_STRETCH = START + timedelta(minutes=75)


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=8)
    load_fixture_clinic(app)
    with app.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where(
                ServiceOption.deposit > 0, ServiceOption.duration_minutes == 60
            )
        )
        stones = AddOn(service_id=option.service_id, name="Hot stones", extra_minutes=30)
        db.session.add(stones)
        db.session.commit()
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        location = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        app.config["RACE"] = (option.id, therapist.id, location.id, stones.id)
    yield app
    wipe(app)


def race(app, with_add_on: bool) -> list[str]:
    """Two clients at once: one at 10:00 (with the add-on or not), one at 11:15."""
    option_id, therapist_id, location_id, add_on_id = app.config["RACE"]
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(i: int, start: datetime, extras: bool) -> None:
        try:
            with app.app_context():
                option = db.session.get(ServiceOption, option_id)
                add_ons = (db.session.get(AddOn, add_on_id),) if extras else ()
                request = HoldRequest(
                    option,
                    db.session.get(Therapist, therapist_id),
                    db.session.get(Location, location_id),
                    start,
                    ClientDetails(name=f"Client {i}", email=f"c{i}@example.com"),
                    add_ons=add_ons,
                )
                clinic = get_clinic()
                barrier.wait(timeout=30)
                try:
                    hold(request, clinic, NOW)
                    results.append("held")
                except SlotTaken:
                    results.append("taken")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [
        threading.Thread(target=attempt, args=(0, START, with_add_on)),
        threading.Thread(target=attempt, args=(1, IN_THE_STRETCH, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return results


def clear_appointments(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))
        db.session.execute(sa.delete(AppointmentAddOn))
        db.session.execute(sa.delete(Appointment))
        db.session.commit()
        return count


def test_a_stretched_visit_and_a_booking_in_its_stretch_race_and_one_wins(race_app, monkeypatch):
    slow_overlap_check(monkeypatch)
    for _ in range(ROUNDS):
        assert sorted(race(race_app, with_add_on=True)) == ["held", "taken"]
        assert clear_appointments(race_app) == 1


def test_without_the_add_on_both_bookings_fit(race_app, monkeypatch):
    """Shows the race above is about the stretch: the plain hour leaves 11:15 free."""
    slow_overlap_check(monkeypatch)
    assert race(race_app, with_add_on=False) == ["held", "held"]
    assert clear_appointments(race_app) == 2


def test_without_the_lock_the_stretched_race_double_books(race_app, monkeypatch):
    """Shows the first test can fail: with no lock, both bookings get through."""
    from clinicsite.scheduling import holds

    slow_overlap_check(monkeypatch)
    monkeypatch.setattr(holds, "lock_therapists", lambda *ids: None)
    assert race(race_app, with_add_on=True) == ["held", "held"]
    assert clear_appointments(race_app) == 2

"""A standing appointment and an online client racing for the same time: exactly one
gets it, whatever the timing (the series claims each visit under the same lock as any
booking). Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
import time as time_module
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.errors import SlotTaken
from clinicsite.appointments.holding import ClientDetails, hold
from clinicsite.appointments.series import TAKEN, book_series
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment
from clinicsite.scheduling import holds
from tests.series.helpers import DESK, NOW, first_visit
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

FOURTH = datetime(2027, 3, 17, 17, 0, tzinfo=UTC)  # the fourth Wednesday, 10:00 PDT


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=8)
    load_fixture_clinic(app)
    yield app
    wipe(app)


def slow_overlap_check(monkeypatch):
    """Widen the race window: wait between the overlap check and the insert."""
    original = holds.overlaps

    def checked_then_pause(*args, **kwargs):
        answer = original(*args, **kwargs)
        time_module.sleep(0.05)
        return answer

    monkeypatch.setattr(holds, "overlaps", checked_then_pause)


def race(app) -> tuple[dict[str, object], list[BaseException]]:
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}
    errors: list[BaseException] = []

    def series() -> None:
        try:
            with app.app_context():
                request = first_visit()
                barrier.wait(timeout=30)
                result = book_series(request, 1, 6, DESK, NOW, get_clinic())
                outcome["series missed"] = [(o.position, o.problem) for o in result.missed]
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    def online() -> None:
        try:
            with app.app_context():
                request = first_visit(FOURTH)
                request = type(request)(
                    request.option,
                    request.therapist,
                    request.location,
                    FOURTH,
                    ClientDetails("Online Client", "online@example.com"),
                )
                barrier.wait(timeout=30)
                try:
                    hold(request, get_clinic(), NOW)
                    outcome["online"] = "held"
                except SlotTaken:
                    outcome["online"] = "taken"
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=series), threading.Thread(target=online)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome, errors


def at_fourth(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Appointment.client_name).where(
                    Appointment.starts_at < FOURTH + timedelta(hours=1),
                    Appointment.blocks_until > FOURTH,
                )
            )
        )


@pytest.mark.parametrize("round_", range(3))
def test_a_series_and_an_online_booking_for_the_same_time_yield_exactly_one(
    race_app, monkeypatch, round_
):
    slow_overlap_check(monkeypatch)
    outcome, errors = race(race_app)
    assert errors == []
    assert len(at_fourth(race_app)) == 1
    if outcome["online"] == "held":
        assert outcome["series missed"] == [(4, TAKEN)]
        assert at_fourth(race_app) == ["Online Client"]
    else:
        assert outcome["series missed"] == []
        assert at_fourth(race_app) == ["Sam Standing"]


def test_without_the_lock_the_same_race_can_double_book(race_app, monkeypatch):
    """Shows the test above can fail: without the lock both get the fourth visit's time."""
    slow_overlap_check(monkeypatch)
    monkeypatch.setattr(holds, "lock_therapists", lambda *ids: None)
    gate = threading.Barrier(2)
    original = holds.overlaps

    def both_check_before_either_writes(therapist_id, starts_at, *args, **kwargs):
        answer = original(therapist_id, starts_at, *args, **kwargs)
        if starts_at == FOURTH:
            gate.wait(timeout=30)
        return answer

    monkeypatch.setattr(holds, "overlaps", both_check_before_either_writes)
    outcome, errors = race(race_app)
    assert errors == []
    assert (outcome["online"], outcome["series missed"]) == ("held", [])
    assert len(at_fourth(race_app)) == 2

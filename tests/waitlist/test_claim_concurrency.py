"""Two waitlisted clients claiming the same freed time at the same moment: exactly one gets
it, the other is told it has gone. Runs on the SQLite file and on PostgreSQL
(TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
import time as time_module
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, WaitlistOffer
from clinicsite.scheduling import holds
from clinicsite.waitlist import claims
from clinicsite.waitlist.offers import after_freed
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic
from tests.support.staff_helpers import therapist_id
from tests.support.waitlist_helpers import NOW, WEDNESDAY, join, local

CLIENTS = 3
TEN = local(WEDNESDAY, 10)


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=CLIENTS + 5)
    load_fixture_clinic(app)
    for i in range(CLIENTS):
        join(app, f"c{i}@example.com", f"Client {i}", now=NOW + timedelta(minutes=i))
    with app.test_request_context():
        after_freed(therapist_id(app, "dana-okafor"), TEN, TEN + timedelta(minutes=1), NOW)
        db.session.commit()
        app.config["OFFERS"] = list(db.session.scalars(sa.select(WaitlistOffer.id)))
    yield app
    wipe(app)


def race(app) -> tuple[list[str], list[BaseException]]:
    """Each client claims their own offer of the same time at once."""
    offer_ids = app.config["OFFERS"]
    barrier = threading.Barrier(len(offer_ids))
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(offer_id: int) -> None:
        try:
            with app.test_request_context():  # its own session, its own connection
                offer = db.session.get(WaitlistOffer, offer_id)
                clinic = get_clinic()
                barrier.wait(timeout=30)
                try:
                    claims.claim(offer, clinic, NOW + timedelta(minutes=5))
                    results.append("claimed")
                except claims.OfferGone as gone:
                    results.append(str(gone))
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in offer_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def slow_overlap_check(monkeypatch):
    """Widen the race window: wait between the overlap check and the insert."""
    original = holds.overlaps

    def checked_then_pause(*args, **kwargs):
        answer = original(*args, **kwargs)
        time_module.sleep(0.3)
        return answer

    monkeypatch.setattr(holds, "overlaps", checked_then_pause)


def test_simultaneous_claims_of_one_time_give_it_to_exactly_one(race_app, monkeypatch):
    assert len(race_app.config["OFFERS"]) == CLIENTS
    slow_overlap_check(monkeypatch)
    results, errors = race(race_app)
    assert errors == []
    assert sorted(results) == sorted(["claimed"] + [claims.TAKEN] * (CLIENTS - 1))
    with race_app.app_context():
        booked = db.session.scalars(
            sa.select(Appointment.client_email).where(Appointment.starts_at == TEN)
        ).all()
        statuses = db.session.scalars(sa.select(WaitlistOffer.status)).all()
    assert len(booked) == 1
    assert sorted(statuses) == ["claimed"] + ["gone"] * (CLIENTS - 1)


def test_without_the_lock_the_same_race_books_the_time_twice(race_app, monkeypatch):
    """Shows the test above can fail: without the booking lock several claims get through.
    (Only on PostgreSQL: on SQLite the claim's first write, the offer's status, already
    takes the file's single write lock, so the claims cannot overlap there at all.)"""
    if race_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite admits one writer at a time whatever the code does")
    slow_overlap_check(monkeypatch)
    monkeypatch.setattr(holds, "lock_therapists", lambda *ids: None)
    monkeypatch.setattr(claims, "lock_therapists", lambda *ids: None)
    results, errors = race(race_app)
    assert errors == []
    assert results.count("claimed") > 1

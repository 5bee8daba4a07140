"""Clients racing on a coupon's last use, each with another therapist (so the therapists'
locks do not serialise them): the coupon's row lock gives the use to exactly one; the others
are told it is used up and hold nothing. On SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.coupons import uses
from clinicsite.coupons.rules import CouponRefused, price
from clinicsite.extensions import db
from clinicsite.models import Appointment, CouponUse, Location, ServiceOption, Therapist
from tests.coupons.helpers import make_coupon
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
START = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 10:00 in Los Angeles


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=10)
    load_fixture_clinic(app)
    with app.app_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where(
                ServiceOption.deposit > 0, ServiceOption.duration_minutes == 60
            )
        )
        therapists = db.session.scalars(sa.select(Therapist.id).order_by(Therapist.id)).all()
        location = db.session.scalar(sa.select(Location.id).order_by(Location.id))
        app.config["RACE"] = (option.id, therapists, location)
    yield app
    wipe(app)


def race(app, coupon_code: str, attempts: int) -> tuple[list[str], list[BaseException]]:
    option_id, therapist_ids, location_id = app.config["RACE"]
    assert len(therapist_ids) >= attempts
    barrier = threading.Barrier(attempts)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            with app.app_context():
                option = db.session.get(ServiceOption, option_id)
                therapist = db.session.get(Therapist, therapist_ids[i])
                location = db.session.get(Location, location_id)
                clinic = get_clinic()
                priced = price(
                    coupon_code, option.service, option.price, option.deposit, clinic, NOW
                )

                def take(appointment, now):
                    uses.take(priced, appointment, clinic, now)

                client = ClientDetails(name=f"Client {i}", email=f"c{i}@example.com")
                request = HoldRequest(
                    option,
                    therapist,
                    location,
                    START,
                    client,
                    deposit=priced.deposit,
                    under_lock=take,
                )
                barrier.wait(timeout=30)
                try:
                    hold(request, clinic, NOW)
                    results.append("used")
                except CouponRefused:
                    results.append("refused")
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_two_clients_racing_on_the_last_use_give_exactly_one(race_app, monkeypatch):
    make_coupon(race_app, code="LASTONE", max_uses=1)
    counted = uses.count

    def slow_count(*args, **kwargs):  # widen the window between counting and inserting
        found = counted(*args, **kwargs)
        time.sleep(0.1)
        return found

    monkeypatch.setattr(uses, "count", slow_count)
    results, errors = race(race_app, "LASTONE", 2)
    assert errors == []
    assert sorted(results) == ["refused", "used"]
    with race_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CouponUse)) == 1
        # The refused client's hold was rolled back with it: only one appointment exists.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1


def test_many_racing_on_three_uses_give_three(race_app, monkeypatch):
    make_coupon(race_app, code="THREE", max_uses=3)
    attempts = min(5, len(race_app.config["RACE"][1]))
    results, errors = race(race_app, "THREE", attempts)
    assert errors == []
    assert results.count("used") == 3 and results.count("refused") == attempts - 3

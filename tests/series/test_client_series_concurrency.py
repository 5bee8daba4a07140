"""A client's booking made a standing appointment twice at once (a double click, two
tabs): one series is made, the other attempt is told the booking is part of one already,
and no visit is booked twice. The check runs under the therapist's booking lock, as every
booking does. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from clinicsite.appointments.client_series import extend_into_series
from clinicsite.appointments.series import SeriesError
from clinicsite.audit import CLIENT
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Series
from tests.series.helpers import NOW, booked_online
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic


@pytest.fixture
def race_app(migrated):
    app = make_app(migrated, DATABASE_POOL_SIZE=8)
    load_fixture_clinic(app)
    with app.app_context():
        db.session.get(ClinicSettings, 1).clients_book_series = True
        db.session.commit()
    yield app
    wipe(app)


def test_two_submissions_at_once_make_one_series(race_app):
    token = booked_online(race_app)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            with race_app.app_context():
                appointment = db.session.scalar(sa.select(Appointment).filter_by(token=token))
                barrier.wait(timeout=30)
                try:
                    result = extend_into_series(appointment, 1, 4, CLIENT, NOW, get_clinic())
                    outcomes.append(f"booked {len(result.booked)}")
                except SeriesError as exc:
                    outcomes.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 -- reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(outcomes) == [
        "This booking is already part of a standing appointment.",
        "booked 4",
    ]
    with race_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 1
        positions = db.session.scalars(
            sa.select(Appointment.series_position).order_by(Appointment.starts_at)
        ).all()
        assert positions == [1, 2, 3, 4]

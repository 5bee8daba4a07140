"""The demo clinic is closed on December 25 and January 1 (clinic.toml's [[closures]])."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from clinicsite.demo.closures import next_occurrence
from clinicsite.extensions import db
from clinicsite.models import ClinicSettings, Closure


def test_seed_demo_closes_christmas_and_new_years_day_once(app, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: datetime(2026, 12, 3, 18, 0, tzinfo=UTC))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # run twice: nothing doubled
    with app.app_context():
        tz = db.session.get(ClinicSettings, 1).tz
        closures = db.session.scalars(sa.select(Closure).order_by(Closure.starts_at)).all()
        days = [
            (c.starts_at.astimezone(tz).isoformat(), c.ends_at.astimezone(tz).isoformat())
            for c in closures
        ]
        assert days == [
            ("2026-12-25T00:00:00-08:00", "2026-12-26T00:00:00-08:00"),
            ("2027-01-01T00:00:00-08:00", "2027-01-02T00:00:00-08:00"),
        ]
        assert all(c.location_id is None and c.note for c in closures)


def test_the_next_occurrence_of_a_holiday():
    assert next_occurrence("12-25", date(2026, 12, 3)) == date(2026, 12, 25)
    assert next_occurrence("12-25", date(2026, 12, 25)) == date(2026, 12, 25)
    assert next_occurrence("12-25", date(2026, 12, 26)) == date(2027, 12, 25)
    assert next_occurrence("01-01", date(2026, 12, 3)) == date(2027, 1, 1)

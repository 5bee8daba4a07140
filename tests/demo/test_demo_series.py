"""The demo clinic comes with a standing appointment, so a new user sees one."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Series


def test_seed_demo_books_a_weekly_standing_appointment(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [series] = db.session.scalars(sa.select(Series)).all()
        tz = db.session.get(ClinicSettings, 1).tz
        visits = db.session.scalars(
            sa.select(Appointment).where(Appointment.series_id == series.id)
        ).all()
        assert series.client_name == "Marisol Vega" and series.therapist.name == "Dana Okafor"
        assert len(visits) == series.count == 8
        assert {a.status for a in visits} == {"confirmed"}
        assert {a.starts_at.astimezone(tz).strftime("%A %H:%M") for a in visits} == {"Monday 16:00"}
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 1

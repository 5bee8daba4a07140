"""What the travel check under the booking lock costs: nothing for a clinic that has never
had home-visit hours (studio to studio adds no travel), one query once it has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite import reference
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, Therapist
from clinicsite.scheduling.travel_times import too_close
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic
from tests.support.home_visits import enable_home_visits

START = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)


@pytest.fixture
def app(migrated):
    app = make_app(migrated)
    try:
        load_fixture_clinic(app)
        yield app
    finally:
        wipe(app)


def statements_of_check(app) -> tuple[bool, list[str]]:
    """too_close for a new studio visit, and the SQL it ran (the reference snapshot loaded
    first, as holds.claim finds it)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        studio = db.session.scalar(sa.select(Location).where(Location.kind == "studio"))
        visit = Appointment(
            therapist_id=therapist.id,
            location_id=studio.id,
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            blocks_until=START + timedelta(minutes=75),
        )
        reference.current()
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            answer = too_close(visit, START - timedelta(days=1))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    return answer, statements


def test_a_studio_only_clinic_pays_no_query_for_travel(app):
    assert statements_of_check(app) == (False, [])


def test_with_home_visit_hours_the_check_reads_the_therapists_visits(app):
    enable_home_visits(app)
    answer, statements = statements_of_check(app)
    assert answer is False
    assert len(statements) == 1
    assert "appointment" in statements[0].lower()

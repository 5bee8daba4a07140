"""The demo clinic has clients with histories, so a new user sees what a client page is."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from clinicsite.clients.records import client_record
from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import Client, ClinicSettings
from tests.support.booking_helpers import load_clinic_content

NOW = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)


def test_demo_clients_have_visits_a_no_show_and_notes(app, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    load_clinic_content(app, read_content())
    load_clinic_content(app, read_content())  # twice: nothing is added again
    with app.app_context():
        # clients.toml's people (visits.toml adds returning clients of its own)
        names = [c["name"] for c in read_content().clients]
        clients = db.session.scalars(
            sa.select(Client).where(Client.name.in_(names)).order_by(Client.id)
        ).all()
        assert len(clients) == len(names) >= 3
        records = {c.name: client_record(c, NOW) for c in clients}
        assert all(r.client.notes for r in records.values())
        assert sum(len(r.no_shows) for r in records.values()) >= 1
        assert all(r.past for r in records.values())
        assert any(r.upcoming for r in records.values())
        assert any(r.client.email is None and r.client.phone for r in records.values())
        assert any(r.payments for r in records.values())
        for visit in (a for c in clients for a in c.appointments):
            assert within_hours(visit), (visit.client_name, visit.starts_at)


def within_hours(visit) -> bool:
    """A demo visit falls inside its therapist's working hours at its studio."""
    tz = db.session.get(ClinicSettings, 1).tz
    start, end = visit.starts_at.astimezone(tz), visit.ends_at.astimezone(tz)
    return any(
        h.location_id == visit.location_id
        and h.weekday == start.weekday()
        and h.starts_at <= start.time()
        and end.time() <= h.ends_at
        for h in visit.therapist.hours
    )

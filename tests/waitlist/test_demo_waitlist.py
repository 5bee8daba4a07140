"""The demo clinic has a client on the waitlist, so a new user sees the staff page filled."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.demo.content import read_content
from clinicsite.extensions import db
from clinicsite.models import WaitlistEntry
from tests.support.booking_helpers import load_clinic_content, text_of
from tests.support.staff_helpers import NOW


def test_the_demo_has_an_active_waitlist_entry_loaded_once(app, monkeypatch, login_as, client):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    load_clinic_content(app, read_content())
    load_clinic_content(app, read_content())  # twice: nothing is added again
    with app.app_context():
        rows = db.session.scalars(sa.select(WaitlistEntry)).all()
        assert [(e.name, e.status, e.therapist.slug) for e in rows] == [
            ("Marisol Vega", "active", "dana-okafor")
        ]
        assert rows[0].date_from > NOW.date()
    login_as("admin")
    page = text_of(client.get("/staff/waitlist/").get_data(as_text=True))
    assert "Marisol Vega" in page
    # She waits for Monday, Wednesday and Friday mornings: the page names those days only.
    assert "Mon Wed Fri 7:30 AM to 10:00 AM" in page


def test_the_tests_clinic_has_no_waitlist(clinic):
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WaitlistEntry.id))) == 0

"""The demo's returning clients (content/visits.toml): a demo address signs in to /my/ and
finds visits before and after the day the demo was loaded; loading twice adds nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from clinicsite.demo.content import CONTENT_DIR, ContentError, read_content
from clinicsite.demo.visits import visit_start
from clinicsite.extensions import db
from clinicsite.models import Appointment
from tests.support.booking_helpers import FrozenClock, load_clinic_content, text_of
from tests.support.my_helpers import ask_for_link, link_paths, sign_in

# A Thursday afternoon in Los Angeles: some of this week's visits are already past.
LOADED = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)
MAYA = "maya.ortiz@example.com"


@pytest.fixture
def demo(app, monkeypatch):
    FrozenClock(LOADED).install(monkeypatch)
    load_clinic_content(app, read_content())
    return app


def appointment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Appointment))


def test_a_demo_client_sees_past_and_upcoming_visits(demo, tmp_path):
    client = demo.test_client()
    assert ask_for_link(client, MAYA).status_code == 303
    [path] = link_paths(demo, tmp_path)
    assert sign_in(client, path).status_code == 303
    page = client.get("/my/").text
    upcoming = text_of(page[page.index('id="upcoming"') : page.index('id="past"')])
    past = text_of(page[page.index('id="past"') :])
    # Week 1, Wednesday 10:00: the Wednesday after the load.
    assert "Wednesday, December 16, 2026 at 10:00 AM PST" in upcoming
    assert past.count("Visited") == 2 and past.count("Cancelled") == 1
    assert "Jordan" not in page


def test_loading_the_demo_twice_adds_no_visits(demo):
    before = appointment_count(demo)
    # visits.toml's six, beside the visits of clients.toml's clients
    assert before == 6 + sum(len(c["visit"]) for c in read_content().clients)
    load_clinic_content(demo, read_content())
    assert appointment_count(demo) == before


def test_the_fixture_clinic_has_no_visits(clinic):
    assert appointment_count(clinic) == 0


def test_visit_days_count_from_the_monday_of_the_load(demo):
    with demo.app_context():
        from clinicsite.clinic import get_clinic

        tz = get_clinic().tz
    visit = {"week": -1, "weekday": 6, "time": "09:30"}
    # Loaded on Thursday December 10: last week's Sunday is December 6 (PST, UTC-8).
    assert visit_start(visit, LOADED.astimezone(tz).date(), tz) == datetime(
        2026, 12, 6, 17, 30, tzinfo=UTC
    )


def test_a_visit_naming_an_unknown_length_is_refused(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "visits.toml"
    path.write_text(path.read_text().replace("minutes = 45", "minutes = 50", 1))
    with pytest.raises(ContentError, match="no 50-minute trigger-point-therapy"):
        read_content(copy)


def test_past_demo_visits_show_their_balance_paid_at_the_studio(demo):
    from clinicsite.appointments.balance import balance_of
    from clinicsite.models import StudioPayment

    with demo.app_context():
        paid = db.session.scalars(sa.select(StudioPayment).order_by(StudioPayment.id)).all()
        assert [(p.method, p.tip) for p in paid] == [("card_terminal", 2000), ("cash", 1500)]
        for payment in paid:
            balance = balance_of(payment.appointment)
            assert payment.appointment.status == "completed"
            assert balance.owed == 0 and balance.paid_at_studio == payment.appointment.price
            assert payment.recorded_by is not None  # the therapist's own account
    load_clinic_content(demo, read_content())
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StudioPayment)) == 2

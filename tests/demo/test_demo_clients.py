"""The demo clinic has clients with histories (content/clients.toml), so a new user sees what
a client record is, and a demo address signs in to /my/ and finds visits before and after the
day the demo was loaded; loading twice adds nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from clinicsite.clients.records import client_record
from clinicsite.demo.clients import visit_start
from clinicsite.demo.content import CONTENT_DIR, ContentError, read_content
from clinicsite.extensions import db
from clinicsite.models import Appointment, Client, ClinicSettings, Series, StudioPayment
from tests.support.booking_helpers import FrozenClock, load_clinic_content, text_of
from tests.support.my_helpers import ask_for_link, link_paths, sign_in

NOW = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
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


def test_demo_clients_have_visits_a_no_show_and_notes(app, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    load_clinic_content(app, read_content())
    load_clinic_content(app, read_content())  # twice: nothing is added again
    with app.app_context():
        names = [c["name"] for c in read_content().clients]
        clients = db.session.scalars(
            sa.select(Client).where(Client.name.in_(names)).order_by(Client.id)
        ).all()
        assert len(clients) == len(names) >= 5
        records = {c.name: client_record(c, NOW) for c in clients}
        assert all(r.client.notes for r in records.values())
        assert sum(len(r.no_shows) for r in records.values()) >= 1
        # The clients of clients.toml have histories; week.toml's fill the current week.
        history = {
            c["name"] for c in read_content(CONTENT_DIR).clients if c["visit"][0]["week"] < 0
        }
        assert all(r.past for name, r in records.items() if name in history)
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
    assert before == sum(len(c["visit"]) for c in read_content().clients)
    load_clinic_content(demo, read_content())
    assert appointment_count(demo) == before


def test_the_fixture_clinic_has_no_demo_clients(clinic):
    assert appointment_count(clinic) == 0
    with clinic.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 0


def test_a_visit_that_would_clash_with_a_booking_is_left_out(demo):
    """Loaded again on a site where Maya is unknown and someone else has her Wednesday with
    Dana: her past visits load, that one does not, and the other booking stays."""
    with demo.app_context():
        maya = db.session.scalar(sa.select(Client).filter_by(email_key=MAYA))
        taken = next(a for a in maya.appointments if a.status == "confirmed")
        taken.client, taken.client_name, taken.client_email = None, "Ana Ruiz", "ana@example.com"
        mine = sa.select(Appointment.id).where(Appointment.client_email == MAYA)
        db.session.execute(sa.delete(StudioPayment).where(StudioPayment.appointment_id.in_(mine)))
        db.session.execute(sa.delete(Appointment).where(Appointment.client_email == MAYA))
        db.session.delete(maya)
        db.session.commit()
        taken_id = taken.id
    load_clinic_content(demo, read_content())
    with demo.app_context():
        maya = db.session.scalar(sa.select(Client).filter_by(email_key=MAYA))
        assert sorted(a.status for a in maya.appointments) == [
            "cancelled",
            "completed",
            "completed",
        ]
        assert db.session.get(Appointment, taken_id).client_name == "Ana Ruiz"


def test_the_demo_series_and_waitlist_load_beside_the_demo_clients(app, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        [series] = db.session.scalars(sa.select(Series)).all()
        standing = db.session.scalar(
            sa.select(sa.func.count()).select_from(Appointment).filter_by(series_id=series.id)
        )
        assert standing == series.count  # no week left out for a clash with a demo visit
        demo_visits = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Appointment)
            .where(Appointment.client_email.in_([MAYA, "jordan.reyes@example.com"]))
        )
        assert demo_visits == 6


def test_visit_days_count_from_the_monday_of_the_load(demo):
    with demo.app_context():
        tz = db.session.get(ClinicSettings, 1).tz
    visit = {"week": -1, "weekday": 6, "time": "09:30"}
    # Loaded on Thursday December 10: last week's Sunday is December 6 (PST, UTC-8).
    assert visit_start(visit, tz, LOADED) == datetime(2026, 12, 6, 17, 30, tzinfo=UTC)


def test_a_visit_naming_an_unknown_length_is_refused(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "clients.toml"
    path.write_text(path.read_text().replace("minutes = 45", "minutes = 50", 1))
    with pytest.raises(ContentError, match="visit of Maya Ortiz in week -3: no 50-minute"):
        read_content(copy)


def test_past_demo_visits_show_their_balance_paid_at_the_studio(demo):
    from clinicsite.appointments.balance import balance_of
    from clinicsite.models import StudioPayment

    with demo.app_context():
        paid = db.session.scalars(sa.select(StudioPayment).order_by(StudioPayment.id)).all()
        assert sorted((p.method, p.tip) for p in paid) == [("card_terminal", 2000), ("cash", 1500)]
        for payment in paid:
            balance = balance_of(payment.appointment)
            assert payment.appointment.status == "completed"
            assert balance.owed == 0 and balance.paid_at_studio == payment.appointment.price
            assert payment.recorded_by is not None  # the therapist's own account
    load_clinic_content(demo, read_content())
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StudioPayment)) == 2


def test_a_demo_person_has_one_email_and_phone_across_the_demo_files():
    """Marisol is a demo client, has the standing appointment and waits for a morning time:
    the three files give her the same address and number, so staff see one client record
    (an address differing by a letter made a second, nameless duplicate)."""
    from clinicsite.demo.content import _toml
    from clinicsite.phones import phone_key

    content = read_content()
    people = {c["name"]: (c.get("email"), phone_key(c.get("phone"))) for c in content.clients}
    named = [(w["name"], w["email"], w.get("phone")) for w in content.waitlist]
    named += [
        (s["client_name"], s["client_email"], s.get("client_phone"))
        for s in _toml("series.toml", CONTENT_DIR).get("series", [])
    ]
    mentioned = [(n, e, phone_key(p)) for n, e, p in named if n in people]
    assert mentioned, "the demo's series and waitlist name demo clients"
    for name, email, phone in mentioned:
        assert (email, phone) == people[name], name


def test_the_demo_week_fills_the_calendar_as_it_stands_the_day_it_is_loaded(demo, client, login_as):
    # Loaded on a Thursday afternoon: the week's visits before it are completed, the rest
    # are to come, and every therapist has a working week of clients.
    tz = ZoneInfo("America/Los_Angeles")
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 00:00 in Los Angeles
    with demo.app_context():
        week = db.session.scalars(
            sa.select(Appointment).where(
                Appointment.starts_at >= monday,
                Appointment.starts_at < monday + timedelta(days=7),
                Appointment.status != "cancelled",
            )
        ).all()
        assert len(week) >= 20
        therapists = {a.therapist.slug for a in week}
        assert therapists == {"dana-okafor", "lena-marchetti", "theo-nakamura"}
        assert {a.starts_at.astimezone(tz).weekday() for a in week} >= {0, 1, 2, 3, 4, 5}
        for a in week:
            expected = "completed" if a.ends_at <= LOADED else "confirmed"
            if a.series_id is None and a.status != "no_show":
                assert a.status == expected, (a.client_name, a.starts_at)
    login_as("admin")
    friday = client.get("/staff/calendar/day?date=2026-12-11").get_data(as_text=True)
    assert friday.count('class="appt-block"') >= 5
    assert "Beatriz Souza" in friday and "Deep Tissue" in friday

"""Calendar feeds: /calendar/<token>.ics for a therapist or the whole clinic, and the staff
page that creates, regenerates and turns off the secret links."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, StaffUser, Therapist
from tests.support.app import csrf_token
from tests.support.factories import (
    make_clinic,
    make_location,
    make_service,
    make_staff,
    make_therapist,
)

LA = ZoneInfo("America/Los_Angeles")
TZID = "America/Los_Angeles"
# Saturday 2026-08-01 09:00 PDT. With a 120-day horizon the feed runs from July 2 to
# November 29, so it holds a summer (PDT) and a winter (PST, the fall-back day) appointment.
FROZEN = datetime(2026, 8, 1, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def feeds_registered(app):
    """The app factory registers feeds_bp; until then the tests do it themselves."""
    from clinicsite.staff.feeds import feeds_bp

    if "feeds" not in app.blueprints:
        app.register_blueprint(feeds_bp)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LA).astimezone(UTC)


@pytest.fixture
def world(app, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: FROZEN)
    with app.app_context():
        make_clinic(name="Test Clinic", horizon_days=120)
        studio = make_location(name="Beach Studio", street="5 Pier Ave", city="Hermosa Beach")
        service = make_service("Deep Tissue", slug="deep-tissue")
        dana = make_therapist([service], slug="dana", name="Dana Okafor", feed_token="dana-token")
        lee = make_therapist([service], slug="lee", name="Lee Park", feed_token="lee-token")
        db.session.commit()
        w = SimpleNamespace(dana=dana.id, lee=lee.id, studio=studio.id, service=service.id)
        w.option = service.options[0].id

    def appointment(start, client, therapist=None, status="confirmed", hold_minutes=None):
        with app.app_context():
            starts_at = local(start)
            row = Appointment(
                token=secrets.token_urlsafe(16),
                service_id=w.service,
                option_id=w.option,
                therapist_id=therapist or w.dana,
                location_id=w.studio,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                blocks_until=starts_at + timedelta(hours=1),
                status=status,
                hold_expires_at=FROZEN + timedelta(minutes=hold_minutes) if hold_minutes else None,
                price=12000,
                deposit=3000,
                currency="USD",
                client_name=client,
                client_email="client@example.com",
                client_phone="310-555-0142",
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    w.winter = appointment("2026-11-01 10:00", "Ana Winter")
    w.summer = appointment("2026-07-15 10:00", "Bo Summer", status="completed")
    w.lees = appointment("2026-08-05 11:00", "Cy Lee", therapist=w.lee)
    appointment("2026-08-05 13:00", "Di Holding", status="held", hold_minutes=20)
    appointment("2026-08-05 14:00", "Ed Expired", status="expired")
    appointment("2026-08-05 15:00", "Fay Cancelled", status="cancelled")
    appointment("2026-06-20 10:00", "Gus TooOld")
    appointment("2026-12-15 10:00", "Hal TooFar")
    return w


def feed(client, token: str):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200, response.status_code
    return response, Calendar.from_ical(response.get_data())


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_therapist_feed_has_their_appointments_at_their_instants(client, world):
    response, calendar = feed(client, "dana-token")
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    found = events(calendar)
    assert set(found) == {"Deep Tissue – Ana Winter", "Deep Tissue – Bo Summer"}
    for summary, wall in [
        ("Deep Tissue – Ana Winter", datetime(2026, 11, 1, 10, 0)),  # PST, the fall-back day
        ("Deep Tissue – Bo Summer", datetime(2026, 7, 15, 10, 0)),  # PDT
    ]:
        start = found[summary]["DTSTART"]
        assert start.dt == wall.replace(tzinfo=ZoneInfo(TZID))
        assert str(found[summary]["STATUS"]) == "CONFIRMED"
    text = response.get_data(as_text=True)
    # In UTC, which every reader takes as the same instant (see clinicsite/mail/ics.py).
    assert "DTSTART:20261101T180000Z" in text
    assert "DTSTART:20260715T170000Z" in text
    assert found["Deep Tissue – Ana Winter"]["DTSTART"].dt == local("2026-11-01 10:00")


def test_feed_events_carry_uid_studio_phone_and_staff_link(client, world):
    _, calendar = feed(client, "dana-token")
    event = events(calendar)["Deep Tissue – Ana Winter"]
    # The site's host (the testing SITE_URL is http://localhost), never a fixed name that a
    # second installation or a rebuilt database would repeat.
    uid = str(event["UID"])
    assert uid.startswith(f"staff-appointment-{world.winter}-")
    assert uid.endswith("@localhost")
    assert "clinicsite" not in uid
    assert str(event["LOCATION"]) == "Beach Studio, 5 Pier Ave, Hermosa Beach, CA 90501"
    description = str(event["DESCRIPTION"])
    assert "310-555-0142" in description
    assert f"/staff/appointments/{world.winter}" in description
    assert calendar["X-WR-TIMEZONE"] == TZID


def test_feed_leaves_out_holds_expired_cancelled_and_out_of_window(client, world):
    _, calendar = feed(client, "dana-token")
    text = " ".join(events(calendar))
    for name in ("Di Holding", "Ed Expired", "Fay Cancelled", "Gus TooOld", "Hal TooFar"):
        assert name not in text


def test_admin_feed_has_every_therapists_appointments(app, client, world):
    with app.app_context():
        make_staff("admin", feed_token="owner-token")
        db.session.commit()
    _, calendar = feed(client, "owner-token")
    assert set(events(calendar)) == {
        "Dana Okafor: Deep Tissue – Ana Winter",
        "Dana Okafor: Deep Tissue – Bo Summer",
        "Lee Park: Deep Tissue – Cy Lee",
    }


@pytest.mark.parametrize("fields", [{"role": "therapist"}, {"role": "admin", "active": False}])
def test_staff_feed_works_only_for_an_active_admin(app, client, world, fields):
    with app.app_context():
        make_staff(feed_token="staff-token", **fields)
        db.session.commit()
    assert client.get("/calendar/staff-token.ics").status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 65, "dana-token.ics", "", "lee-token%20"])
def test_unknown_tokens_are_not_found(client, world, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_lee_feed_has_only_lees_appointments(client, world):
    _, calendar = feed(client, "lee-token")
    assert set(events(calendar)) == {"Deep Tissue – Cy Lee"}


# -- the staff page ---------------------------------------------------------------------------


def change_feed(client, token, subject="therapist", therapist_id="", action="regenerate"):
    data = {"csrf_token": token, "subject": subject, "therapist_id": therapist_id}
    return client.post("/staff/feeds", data={**data, "action": action})


def feed_token_of(app, therapist_id):
    with app.app_context():
        return db.session.get(Therapist, therapist_id).feed_token


def audit_actions(app, subject_type, subject_id):
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
                .order_by(AuditEvent.id)
            )
        )


def test_therapist_regenerates_their_link_and_the_old_one_stops(app, client, login_as, world):
    login_as("therapist", therapist_id=world.dana)
    page = client.get("/staff/feeds").get_data(as_text=True)
    assert "http://localhost/calendar/dana-token.ics" in page
    assert "webcal://localhost/calendar/dana-token.ics" in page
    assert page.count("<h1") == 1 and "Lee Park" not in page
    token = csrf_token(client, "/staff/feeds")

    response = change_feed(client, token, therapist_id=world.dana)

    assert response.status_code == 303
    new = feed_token_of(app, world.dana)
    assert new != "dana-token" and len(new) >= 43
    assert client.get("/calendar/dana-token.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert new in client.get("/staff/feeds").get_data(as_text=True)
    assert audit_actions(app, "therapist", world.dana) == ["calendar feed regenerated"]
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent))
        assert new not in str(event.before) + str(event.after)  # the secret stays secret


def test_turning_a_feed_off_ends_its_link(app, client, login_as, world):
    login_as("therapist", therapist_id=world.dana)
    token = csrf_token(client, "/staff/feeds")
    assert change_feed(client, token, therapist_id=world.dana, action="off").status_code == 303
    assert feed_token_of(app, world.dana) is None
    assert client.get("/calendar/dana-token.ics").status_code == 404
    assert "No feed" in client.get("/staff/feeds").get_data(as_text=True)
    change_feed(client, token, therapist_id=world.dana, action="off")  # already off: no event
    assert audit_actions(app, "therapist", world.dana) == ["calendar feed turned off"]


def test_therapist_cannot_change_another_therapists_feed(app, client, login_as, world):
    login_as("therapist", therapist_id=world.dana)
    token = csrf_token(client, "/staff/feeds")
    assert change_feed(client, token, therapist_id=world.lee).status_code == 403
    assert change_feed(client, token, therapist_id=world.lee, action="off").status_code == 403
    assert change_feed(client, token, subject="clinic").status_code == 403
    assert feed_token_of(app, world.lee) == "lee-token"


def test_admin_creates_the_whole_clinic_feed_and_manages_therapists(app, client, login_as, world):
    email = login_as("admin")
    page = client.get("/staff/feeds").get_data(as_text=True)
    assert "Create secret link" in page and "Dana Okafor" in page and "Lee Park" in page
    token = csrf_token(client, "/staff/feeds")

    assert change_feed(client, token, subject="clinic").status_code == 303
    with app.app_context():
        admin = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        admin_id, clinic_token = admin.id, admin.feed_token
    assert client.get(f"/calendar/{clinic_token}.ics").status_code == 200
    assert audit_actions(app, "staff_user", admin_id) == ["calendar feed created"]

    assert change_feed(client, token, therapist_id=world.lee).status_code == 303
    assert feed_token_of(app, world.lee) != "lee-token"
    assert client.get("/calendar/lee-token.ics").status_code == 404


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"therapist_id": "abc"}, 404),
        ({"therapist_id": "99999999999999999999"}, 404),
        ({"therapist_id": "999999"}, 404),
        ({"subject": "everyone"}, 400),
        ({"action": "delete"}, 400),
    ],
)
def test_tampered_feed_forms_are_refused(app, client, login_as, world, fields, status):
    login_as("admin")
    token = csrf_token(client, "/staff/feeds")
    data = {"subject": "therapist", "therapist_id": str(world.dana), "action": "regenerate"}
    response = client.post("/staff/feeds", data={**data, **fields, "csrf_token": token})
    assert response.status_code == status
    assert feed_token_of(app, world.dana) == "dana-token"


def test_feed_uses_few_queries(app, client, world):
    """The feed eager-loads what its events need: one query for the token, one for the
    clinic, one for the appointments, whatever their number."""
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*args):
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        feed(client, "dana-token")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if re.match(r"\s*SELECT", s)]
    assert len(selects) <= 3, selects

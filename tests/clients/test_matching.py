"""Every booking, online or by phone, has a client: the one with its email, else the one
with its phone number, else a new one."""

from __future__ import annotations

import re

import sqlalchemy as sa

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import Appointment, Client
from tests.support.booking_helpers import (
    MONDAY_8AM,
    FrozenClock,
    book_slot,
    first_free_slot,
    flashes,
)
from tests.support.staff_helpers import form_token


def clients(app) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Client).order_by(Client.id))
        return [(c.name, c.email, c.phone) for c in rows]


def test_the_same_email_in_another_case_is_the_same_client(app):
    with app.app_context():
        first = find_or_create("Rosa Lind", "rosa@example.com", "310 555 0111")
        again = find_or_create("Rosa L.", "  ROSA@Example.com ", "")
        assert again.id == first.id
        db.session.commit()
    assert clients(app) == [("Rosa Lind", "rosa@example.com", "+13105550111")]


def test_a_phone_number_typed_differently_finds_the_client_without_email(app):
    with app.app_context():
        first = find_or_create("Sam Ortiz", "", "(310) 555-0190")
        again = find_or_create("Sam Ortiz", None, "+1 310.555.0190")
        assert again.id == first.id
        db.session.commit()


def test_email_decides_before_phone(app):
    with app.app_context():
        by_phone = find_or_create("Lee Park", "", "310 555 0190")
        by_email = find_or_create("Lee Park", "lee@example.com", "310 555 0177")
        assert by_email.id != by_phone.id
        # The email's client is found even when the phone is another client's.
        assert find_or_create("Lee Park", "LEE@example.com", "310 555 0190").id == by_email.id
        db.session.commit()


def test_a_matched_client_gains_the_details_it_lacked(app):
    with app.app_context():
        first = find_or_create("Sam Ortiz", "", "310 555 0190")
        find_or_create("Sam Ortiz", "sam@example.com", "310-555-0190")
        assert (first.email, first.email_key, first.phone) == (
            "sam@example.com",
            "sam@example.com",
            "+13105550190",
        )
        db.session.commit()
    assert len(clients(app)) == 1


def test_two_people_sharing_a_landline_with_their_own_emails_stay_two(app):
    with app.app_context():
        one = find_or_create("Ann Wu", "ann@example.com", "310 555 0190")
        two = find_or_create("Ben Wu", "ben@example.com", "310 555 0190")
        assert one.id != two.id
        db.session.commit()


def test_an_online_booking_creates_then_finds_its_client(clinic, client, monkeypatch):
    FrozenClock(MONDAY_8AM).install(monkeypatch)
    slot = first_free_slot(client, "discovery-session", "2026-12-08")
    assert book_slot(client, clinic, slot, "discovery-session").status_code == 303
    with clinic.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert (appt.client.name, appt.client.email) == ("Ana Client", "ana@example.com")
        assert appt.client.phone == "+13105550199"  # typed as 310-555-0199


def test_a_phone_booking_without_email_gets_a_phone_only_client(clinic, client, login_as, frozen):
    login_as("admin")
    html = client.get("/staff/book").get_data(as_text=True)
    data = {"csrf_token": form_token(html), **phone_choices(html), "name": "Phone Client"}
    data |= {"date": "2026-12-09", "time": "10:00", "phone": "310 555 0190", "payment": "waive"}
    response = client.post("/staff/book", data=data, follow_redirects=True)
    assert "No email was sent: the client gave no address." in " ".join(
        flashes(response.get_data(as_text=True))
    )
    assert clients(clinic) == [("Phone Client", None, "+13105550190")]
    with clinic.app_context():
        appt = db.session.scalar(sa.select(Appointment))
        assert appt.client_email == "" and appt.client.phone_key == "+13105550190"


def phone_choices(html: str) -> dict[str, str]:
    def value(label: str) -> str:
        return re.search(rf'<option (?:selected )?value="(\d+)"(?: selected)?>{label}', html)[1]

    return {
        "option": value("Neuromuscular Therapy, 60 min"),
        "therapist": value("Dana Okafor"),
        "location": value("Saltgrass Hermosa"),
    }

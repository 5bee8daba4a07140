"""A cancellation offers the time to the waitlist by email; the first claim books it, the
others are told it has gone; offers expire and move on; a claim link's GET changes nothing."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.cancellation import cancel
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment
from clinicsite.payments import get_gateway
from clinicsite.waitlist import offers
from tests.support.booking_helpers import (
    FrozenClock,
    csrf_from,
    extract_hidden_fields,
    page_html,
    text_of,
)
from tests.support.mail_helpers import database_rows, deliver, plain
from tests.support.staff_helpers import make_appointment
from tests.support.waitlist_helpers import (
    NOW,
    WEDNESDAY,
    appointments_at,
    claim_links,
    entry_status,
    join,
    local,
    offers_of,
    path_of,
)

TEN = local(WEDNESDAY, 10)
CLAIM = {"pregnant": "not-applicable", "consent": "y", "pain": "Tight shoulders"}


@pytest.fixture
def clock(monkeypatch):
    return FrozenClock(NOW).install(monkeypatch)


def cancel_booking(app, appointment_id: int) -> None:
    """The client (or staff) cancels: the time is free again."""
    with app.test_request_context():
        appointment = db.session.get(Appointment, appointment_id)
        cancel(appointment, get_clinic(), get_gateway(), NOW)


@pytest.fixture
def freed(clinic, clock, tmp_path):
    """Ana joined first and Ben second for Dana on Wednesday; Rita's 10:00 is cancelled.
    Returns each one's claim link (a path) from the delivered offer email."""
    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    ana = join(clinic, "ana@example.com", "Ana Waiting")
    ben = join(clinic, "ben@example.com", "Ben Waiting", now=NOW + timedelta(minutes=1))
    cancel_booking(clinic, booked)
    messages = deliver(clinic, tmp_path / "offers")
    (ana_link,) = claim_links(messages, "ana@example.com")
    (ben_link,) = claim_links(messages, "ben@example.com")
    return {"ana": ana, "ben": ben, "ana_link": path_of(ana_link), "ben_link": path_of(ben_link)}


def claim(client, path: str, **data):
    html = page_html(client, path)
    return client.post(path, data={"csrf_token": csrf_from(html), **CLAIM, **data})


def test_cancellation_emails_the_offer_to_the_waiting_clients_in_order(clinic, freed, tmp_path):
    assert offers_of(clinic, freed["ana"]) == [("offered", TEN)]
    assert offers_of(clinic, freed["ben"]) == [("offered", TEN)]
    html = page_html(clinic.test_client(), freed["ana_link"])
    assert "Wednesday, December 9, 2026 at 10:00 AM" in text_of(html)
    assert "Claim this time" in text_of(html)


def test_the_offer_email_has_text_and_html_and_a_way_to_leave(clinic, clock, tmp_path):
    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    join(clinic, "ana@example.com", "Ana <b>Waiting</b>")
    cancel_booking(clinic, booked)
    offer = next(
        m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("A time has freed up")
    )
    assert offer["To"] == "ana@example.com"
    text = plain(offer)
    assert "Hello Ana <b>Waiting</b>," in text
    assert "/book/waitlist/withdraw/" in text
    html = offer.get_body(("html",)).get_content()
    assert "Ana &lt;b&gt;Waiting&lt;/b&gt;" in html
    assert "/book/waitlist/claim/" in html


def test_first_claim_books_the_time_and_the_other_is_told_it_has_gone(
    clinic, client, freed, tmp_path
):
    response = claim(client, freed["ana_link"])
    assert response.status_code == 303
    checkout = response.headers["Location"]
    assert "/pay/test/" in checkout  # the deposit, as any booking
    assert entry_status(clinic, freed["ana"]) == "booked"
    assert ("ana@example.com", "held") in appointments_at(clinic, TEN)
    assert offers_of(clinic, freed["ben"]) == [("gone", TEN)]

    gone = [
        m
        for m in deliver(clinic, tmp_path / "after")
        if m["Subject"].startswith("That time has gone")
    ]
    assert [m["To"] for m in gone] == ["ben@example.com"]
    assert entry_status(clinic, freed["ben"]) == "active"  # still waiting for another time

    other = clinic.test_client()
    page = text_of(page_html(other, freed["ben_link"]))
    assert "Someone else took this time" in page
    assert "Claim this time" not in page

    html = page_html(client, checkout)
    paid = client.post(checkout, data={**extract_hidden_fields(html), "action": "pay"})
    assert paid.status_code == 303
    assert ("ana@example.com", "confirmed") in appointments_at(clinic, TEN)


def test_a_claim_after_someone_else_booked_the_time_says_so_and_offers_others(
    clinic, client, freed
):
    page = page_html(client, freed["ben_link"])  # Ben opens the page before Ana claims
    assert claim(clinic.test_client(), freed["ana_link"]).status_code == 303
    response = client.post(freed["ben_link"], data={"csrf_token": csrf_from(page), **CLAIM})
    assert response.status_code == 409
    text = text_of(response.get_data(as_text=True))
    assert "Someone else took this time just before you." in text
    assert "Free times close to it" in text
    assert appointments_at(clinic, TEN).count(("ben@example.com", "held")) == 0


def test_claiming_twice_gives_the_same_booking(clinic, client, freed):
    page = page_html(client, freed["ana_link"])
    first = client.post(freed["ana_link"], data={"csrf_token": csrf_from(page), **CLAIM})
    again = client.post(freed["ana_link"], data={"csrf_token": csrf_from(page), **CLAIM})
    assert first.status_code == 303 and again.status_code == 303
    assert [a for a in appointments_at(clinic, TEN) if a[0] == "ana@example.com"] == [
        ("ana@example.com", "held")
    ]


def test_opening_the_claim_link_changes_nothing(clinic, client, freed):
    before = database_rows(clinic)
    for _ in range(2):  # a mail scanner, then the client
        assert client.get(freed["ana_link"]).status_code == 200
        assert client.head(freed["ana_link"]).status_code == 200
    assert database_rows(clinic) == before


def test_the_claim_needs_the_policy_accepted(clinic, client, freed):
    response = claim(client, freed["ana_link"], consent="")
    assert response.status_code == 422
    assert "Please accept the cancellation policy" in text_of(response.get_data(as_text=True))
    assert offers_of(clinic, freed["ana"]) == [("offered", TEN)]


def test_an_expired_offer_cannot_be_claimed_and_moves_to_the_next_client(
    clinic, client, clock, monkeypatch, tmp_path, runner
):
    monkeypatch.setattr(offers, "OFFER_AT_ONCE", 1)  # one client at a time
    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    ana = join(clinic, "ana@example.com", "Ana Waiting")
    ben = join(clinic, "ben@example.com", "Ben Waiting", now=NOW + timedelta(minutes=1))
    cancel_booking(clinic, booked)
    assert offers_of(clinic, ben) == []
    (link,) = claim_links(deliver(clinic, tmp_path / "1"), "ana@example.com")

    page = page_html(client, path_of(link))
    clock.advance(minutes=31)  # the clinic's 30 minutes are over
    assert "This offer has expired" in text_of(page_html(client, path_of(link)))
    response = client.post(path_of(link), data={"csrf_token": csrf_from(page), **CLAIM})
    assert "This offer has expired" in text_of(response.get_data(as_text=True))

    result = runner.invoke(args=["waitlist", "offer"])
    assert result.exit_code == 0, result.output
    assert "expired 1 offers, made 1 offers" in result.output
    assert offers_of(clinic, ana) == [("expired", TEN)]  # never offered the same time twice
    assert offers_of(clinic, ben) == [("offered", TEN)]
    assert claim_links(deliver(clinic, tmp_path / "2"), "ben@example.com")
    assert appointments_at(clinic, TEN) == [("rita@example.com", "cancelled")]


def test_entries_past_their_last_day_expire(clinic, clock, runner):
    entry = join(clinic)
    clock.advance(days=3)  # Thursday: Wednesday is over
    assert "expired 1 entries" in runner.invoke(args=["waitlist", "offer"]).output
    assert entry_status(clinic, entry) == "expired"


def test_a_rescheduled_booking_offers_its_old_time(clinic, clock, tmp_path):
    from clinicsite.appointments.rescheduling import reschedule

    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    ana = join(clinic, "ana@example.com", "Ana Waiting", latest=time(10))
    with clinic.test_request_context():
        appointment = db.session.get(Appointment, booked)
        reschedule(
            appointment,
            local(WEDNESDAY, 13),
            appointment.therapist,
            appointment.location,
            get_clinic(),
            NOW,
        )
    assert offers_of(clinic, ana) == [("offered", TEN)]


def test_a_lapsed_checkout_offers_its_time(clinic, clock):
    from clinicsite.appointments.checkout import checkout_url
    from clinicsite.models import Payment
    from clinicsite.payments.fulfilment import record_checkout_expired

    held = make_appointment(clinic, TEN, "dana-okafor", deposit=True)
    ana = join(clinic, "ana@example.com", "Ana Waiting")
    with clinic.test_request_context():
        checkout_url(db.session.get(Appointment, held), get_gateway(), "http://x/ok", "http://x/no")
    assert offers_of(clinic, ana) == []  # held: the time is taken
    clock.advance(minutes=32)
    with clinic.test_request_context():
        payment = db.session.scalar(sa.select(Payment).where(Payment.appointment_id == held))
        record_checkout_expired(payment, clock())
        db.session.commit()
    assert offers_of(clinic, ana) == [("offered", TEN)]


def test_a_withdrawn_client_is_offered_nothing(clinic, client, clock, tmp_path):
    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    ana = join(clinic, "ana@example.com", "Ana Waiting")
    (joined,) = [
        m for m in deliver(clinic, tmp_path) if m["Subject"].startswith("You are on the waitlist")
    ]
    link = path_of(next(w for w in plain(joined).split() if "/book/waitlist/withdraw/" in w))
    page = page_html(client, link)
    assert entry_status(clinic, ana) == "active"  # the GET only asks
    response = client.post(link, data={"csrf_token": csrf_from(page)})
    assert "You have left the waitlist" in text_of(response.get_data(as_text=True))
    assert entry_status(clinic, ana) == "withdrawn"
    cancel_booking(clinic, booked)
    assert offers_of(clinic, ana) == []


def test_the_clinic_decides_how_long_an_offer_lasts(clinic, clock):
    from clinicsite.models import ClinicSettings, WaitlistOffer

    with clinic.app_context():
        db.session.get(ClinicSettings, 1).waitlist_offer_minutes = 10
        db.session.commit()
    booked = make_appointment(clinic, TEN, "dana-okafor", deposit=True, paid=True)
    join(clinic, "ana@example.com", "Ana Waiting")
    cancel_booking(clinic, booked)
    with clinic.app_context():
        offer = db.session.scalar(sa.select(WaitlistOffer))
        assert offer.expires_at - offer.offered_at == timedelta(minutes=10)


def test_new_hours_from_staff_are_offered(clinic, client, login_as, clock):
    from clinicsite.models import Location
    from tests.support.staff_helpers import therapist_id

    thursday = WEDNESDAY + timedelta(days=1)  # Dana is not at Hermosa Beach on Thursdays
    ana = join(
        clinic,
        "ana@example.com",
        "Ana",
        first=thursday,
        last=thursday,
        location="hermosa-beach-studio",
        earliest=time(7),
    )
    dana = therapist_id(clinic, "dana-okafor")
    with clinic.app_context():
        studio = db.session.scalar(sa.select(Location.id).filter_by(slug="hermosa-beach-studio"))
    login_as("admin")
    html = page_html(client, f"/staff/schedules/{dana}")
    response = client.post(
        f"/staff/schedules/{dana}/extra-hours",
        data={
            "csrf_token": csrf_from(html),
            "extra-day": thursday.isoformat(),
            "extra-location_id": str(studio),
            "extra-starts_at": "07:00",  # before her Thursday at Culver City
            "extra-ends_at": "09:00",
        },
    )
    assert response.status_code == 303
    assert offers_of(clinic, ana) == [("offered", local(thursday, 7))]

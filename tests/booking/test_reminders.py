"""flask reminders send with the rule every clinic starts with: an email 24 hours before,
moved out of quiet hours (21:00-08:00), worded by the day it goes ("tomorrow").
tests/reminders/ covers more rules, texts and overlapping runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from clinicsite.appointments.cancellation import cancel
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Location, OutboxEmail, ServiceOption, Therapist

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles


def book(
    app, starts_at: datetime, email: str, deposit: bool = False, booked: datetime | None = None
) -> None:
    with app.test_request_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where((ServiceOption.deposit > 0) == deposit).limit(1)
        )
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        location = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        client = ClientDetails(name="Ines", email=email)
        request = HoldRequest(option, therapist, location, starts_at, client)
        hold(request, get_clinic(), booked or NOW - timedelta(days=3))


def reminders(app) -> list[OutboxEmail]:
    with app.app_context():
        return list(
            db.session.scalars(sa.select(OutboxEmail).where(OutboxEmail.subject.like("Reminder%")))
        )


def test_reminders_are_queued_once_for_the_next_24_hours(clinic, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    book(clinic, NOW + timedelta(hours=20), "soon@example.com")  # free session: confirmed
    book(clinic, NOW + timedelta(hours=30), "later@example.com")
    book(clinic, NOW + timedelta(hours=5), "held@example.com", deposit=True)  # held, unpaid

    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1 email" in result.output
    [email] = reminders(clinic)
    assert email.to_address == "soon@example.com"
    assert "A reminder of your appointment tomorrow" in email.body_text
    assert "PST" in email.body_text  # the time is given in the clinic's zone
    assert "/booking/" in email.body_text

    again = runner.invoke(args=["reminders", "send"])
    assert "sent 0 email" in again.output
    assert len(reminders(clinic)) == 1

    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW + timedelta(hours=10))
    runner.invoke(args=["reminders", "send"])
    assert {e.to_address for e in reminders(clinic)} == {"soon@example.com", "later@example.com"}


def test_cancelled_appointments_get_no_reminder(clinic, runner, monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)
    book(clinic, NOW + timedelta(hours=20), "gone@example.com")
    with clinic.test_request_context():
        from clinicsite.models import Appointment
        from clinicsite.payments import get_gateway

        appointment = db.session.scalar(sa.select(Appointment))
        cancel(appointment, get_clinic(), get_gateway(), NOW)
    runner.invoke(args=["reminders", "send"])
    assert reminders(clinic) == []


def queued_at(clinic, runner, monkeypatch, moment: datetime) -> list[str]:
    monkeypatch.setattr("clinicsite.clock.now", lambda: moment)
    runner.invoke(args=["reminders", "send"])
    return [e.to_address for e in reminders(clinic)]


def test_a_booking_made_after_its_reminder_was_due_gets_none(clinic, runner, monkeypatch):
    # Booked Monday 08:00 PST for Monday 20:00: the 24-hour reminder was due on Sunday,
    # before the booking; the confirmation has just told the client.
    book(clinic, NOW + timedelta(hours=12), "tonight@example.com", booked=NOW)
    assert queued_at(clinic, runner, monkeypatch, NOW) == []
    assert queued_at(clinic, runner, monkeypatch, NOW + timedelta(hours=11)) == []


def test_on_the_23_hour_day_quiet_hours_hold_it_until_8(clinic, runner, monkeypatch):
    # Monday 2027-03-15 00:30 PDT (07:30 UTC); Sunday 2027-03-14 has 23 hours. 24 real
    # hours before is Saturday 23:30 PST, in quiet hours: it waits for Sunday 08:00 PDT.
    starts_at = datetime(2027, 3, 15, 7, 30, tzinfo=UTC)
    book(clinic, starts_at, "monday@example.com")
    saturday_2330 = datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    assert queued_at(clinic, runner, monkeypatch, saturday_2330) == []
    sunday_0759 = datetime(2027, 3, 14, 14, 59, tzinfo=UTC)
    assert queued_at(clinic, runner, monkeypatch, sunday_0759) == []
    sunday_0800 = datetime(2027, 3, 14, 15, 0, tzinfo=UTC)
    assert queued_at(clinic, runner, monkeypatch, sunday_0800) == ["monday@example.com"]
    [email] = reminders(clinic)
    assert "tomorrow" in email.subject and "Monday" in email.body_text


def test_on_the_25_hour_day_quiet_hours_hold_it_until_8(clinic, runner, monkeypatch):
    # Monday 2027-11-08 00:30 PST (08:30 UTC); Sunday 2027-11-07 has 25 hours. 24 hours
    # before is Sunday 01:30 PDT, in quiet hours: it goes at Sunday 08:00 PST (16:00 UTC).
    starts_at = datetime(2027, 11, 8, 8, 30, tzinfo=UTC)
    book(clinic, starts_at, "monday@example.com")
    assert queued_at(clinic, runner, monkeypatch, starts_at - timedelta(hours=24)) == []
    assert queued_at(clinic, runner, monkeypatch, datetime(2027, 11, 7, 15, 59, tzinfo=UTC)) == []
    assert queued_at(clinic, runner, monkeypatch, datetime(2027, 11, 7, 16, 0, tzinfo=UTC)) == [
        "monday@example.com"
    ]
    [email] = reminders(clinic)
    assert "tomorrow" in email.subject

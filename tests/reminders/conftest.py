"""Reminder tests: an app whose texts go through the real Twilio SDK to a local stub, and
helpers that book, cancel, move and run `flask reminders send` at a frozen time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from clinicsite.extensions import db, limiter
from tests.support.app import make_app, wipe
from tests.support.booking_helpers import load_fixture_clinic
from tests.support.twilio_stub import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, TwilioStub

BOOKED = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # long before any reminder is due


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    with TwilioStub() as stub:
        yield stub


@pytest.fixture
def sms_app(migrated: str, twilio: TwilioStub, tmp_path) -> Iterator[Flask]:
    app = make_app(
        migrated,
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM=FROM_NUMBER,
        TWILIO_API_BASE=twilio.url,
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
    )
    limiter.reset()
    load_fixture_clinic(app)
    with app.app_context():
        from clinicsite.models import ReminderRule

        db.session.add(ReminderRule(hours_before=2, channel="sms", active=True))
        db.session.commit()
    yield app
    wipe(app)


def book(
    app: Flask,
    starts_at: datetime,
    email: str,
    phone: str = "310-555-0199",
    consent: bool = True,
    booked: datetime = BOOKED,
) -> int:
    from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Location, ServiceOption, Therapist

    with app.test_request_context():
        option = db.session.scalar(
            sa.select(ServiceOption).where(ServiceOption.deposit == 0).limit(1)
        )
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        location = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        client = ClientDetails(name="Ines", email=email, phone=phone, sms_consent=consent)
        request = HoldRequest(option, therapist, location, starts_at, client)
        return hold(request, get_clinic(), booked).id


def cancel(app: Flask, appointment_id: int, now: datetime) -> None:
    from clinicsite.appointments.cancellation import cancel as cancel_appointment
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Appointment
    from clinicsite.payments import get_gateway

    with app.test_request_context():
        appointment = db.session.get(Appointment, appointment_id)
        cancel_appointment(appointment, get_clinic(), get_gateway(), now)


def move(app: Flask, appointment_id: int, starts_at: datetime, now: datetime) -> None:
    from clinicsite.appointments.rescheduling import reschedule
    from clinicsite.clinic import get_clinic
    from clinicsite.models import Appointment

    with app.test_request_context():
        appointment = db.session.get(Appointment, appointment_id)
        reschedule(
            appointment,
            starts_at,
            appointment.therapist,
            appointment.location,
            get_clinic(),
            now,
            enforce_policy=False,
        )


def run_at(app: Flask, monkeypatch, now: datetime) -> str:
    monkeypatch.setattr("clinicsite.clock.now", lambda: now)
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def sent_rows(app: Flask) -> list:
    from clinicsite.models import ReminderSent

    with app.app_context():
        rows = db.session.scalars(sa.select(ReminderSent).order_by(ReminderSent.id)).all()
        db.session.expunge_all()
        return rows


def every(start: datetime, end: datetime, step: timedelta):
    while start < end:
        yield start
        start += step

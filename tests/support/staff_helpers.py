"""Shared set-up for staff tests: the test clinic, a frozen clock and appointments."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceOption, Therapist
from clinicsite.payments.fulfilment import payment_for_session, record_payment

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles


def therapist_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Therapist.id).filter_by(slug=slug))


def make_appointment(
    app,
    starts_at: datetime,
    therapist: str = "dana-okafor",
    deposit: bool = False,
    paid: bool = False,
    name: str = "Rita Client",
    now: datetime = NOW,
) -> int:
    """A booked (or held) appointment through the domain, as a client would make it."""
    with app.test_request_context():
        option = db.session.scalar(
            sa.select(ServiceOption)
            .where((ServiceOption.deposit > 0) == deposit, ServiceOption.duration_minutes == 60)
            .limit(1)
        ) or db.session.scalar(
            sa.select(ServiceOption).where((ServiceOption.deposit > 0) == deposit)
        )
        person = db.session.scalar(sa.select(Therapist).filter_by(slug=therapist))
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        client = ClientDetails(
            name=name,
            email="rita@example.com",
            phone="310 555 0111",
            intake={"pain": "Lower back", "consent": True},
        )
        appt = hold(HoldRequest(option, person, studio, starts_at, client), get_clinic(), now)
        if paid:
            from clinicsite.payments import get_gateway

            url = checkout_url(appt, get_gateway(), "http://x/ok", "http://x/no")
            session_id = url.rsplit("/", 1)[1]
            payment = payment_for_session(session_id)
            record_payment(payment, "pi_test", payment.amount, payment.currency, get_gateway(), now)
            db.session.commit()
        return appt.id


def appointment(app, appointment_id: int) -> Appointment:
    with app.app_context():
        appt = db.session.get(Appointment, appointment_id)
        db.session.expunge(appt)
        return appt


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)

"""Clients with histories for the client-record tests: visits made through the domain's
hold, as bookings make them, then moved on to what happened."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from clinicsite.appointments.checkout import checkout_url
from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, ServiceOption, Therapist
from clinicsite.payments import get_gateway
from clinicsite.payments.fulfilment import payment_for_session, record_payment
from tests.support.staff_helpers import NOW


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("clinicsite.clock.now", lambda: NOW)


def visit(
    app,
    starts_at: datetime,
    name: str = "Rosa Lind",
    email: str = "rosa@example.com",
    phone: str = "310 555 0111",
    status: str | None = None,
    paid: bool = False,
    intake: dict | None = None,
) -> int:
    """An appointment booked through `hold` (a week before it, if it is past), then given
    `status` (completed, no_show...) when one is asked for; paid by card when `paid`."""
    booked_at = min(NOW, starts_at - timedelta(days=7))
    with app.test_request_context():
        option = db.session.scalar(
            sa.select(ServiceOption)
            .where(ServiceOption.deposit > 0, ServiceOption.duration_minutes == 60)
            .limit(1)
        )
        therapist = db.session.scalar(sa.select(Therapist).filter_by(slug="dana-okafor"))
        studio = db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio"))
        details = ClientDetails(name=name, email=email, phone=phone, intake=intake or {})
        appt = hold(
            HoldRequest(option, therapist, studio, starts_at, details, deposit=None if paid else 0),
            get_clinic(),
            booked_at,
        )
        if paid:
            url = checkout_url(appt, get_gateway(), "http://x/ok", "http://x/no")
            payment = payment_for_session(url.rsplit("/", 1)[1])
            record_payment(
                payment, "pi_test", payment.amount, payment.currency, get_gateway(), booked_at
            )
        if status:
            appt.status = status
        db.session.commit()
        return appt.id


def client_id_of(app, appointment_id: int) -> int:
    with app.app_context():
        return db.session.get(Appointment, appointment_id).client_id

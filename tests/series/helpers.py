"""Shared set-up for the standing-appointment tests: dates around a real change of the
clocks in the test clinic's zone (America/Los_Angeles springs forward on 2027-03-14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.appointments.holding import ClientDetails, HoldRequest, hold
from clinicsite.audit import CLIENT, Actor
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, Location, Payment, ServiceOption, Therapist

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2027, 2, 22, 16, 0, tzinfo=UTC)  # Monday 08:00 PST
# Wednesdays at 10:00 local: three before the change (PST, 18:00 UTC), three after (PDT).
FIRST = datetime(2027, 2, 24, 18, 0, tzinfo=UTC)
WEDNESDAYS = [FIRST.astimezone(LA).replace(tzinfo=None) + timedelta(weeks=k) for k in range(6)]
DESK = Actor(None, "Front Desk (admin)")


def local(moment: datetime) -> datetime:
    return moment.astimezone(LA)


def first_visit(
    starts_at: datetime = FIRST, therapist: str = "dana-okafor", email: str = "standing@example.com"
) -> HoldRequest:
    """Inside an app context: 60 minutes of neuromuscular therapy with `therapist` at the
    Hermosa Beach studio, for a client booked by phone."""
    option = db.session.scalar(
        sa.select(ServiceOption).where(
            ServiceOption.duration_minutes == 60, ServiceOption.deposit > 0
        )
    )
    return HoldRequest(
        option,
        db.session.scalar(sa.select(Therapist).filter_by(slug=therapist)),
        db.session.scalar(sa.select(Location).filter_by(slug="hermosa-beach-studio")),
        starts_at,
        ClientDetails("Sam Standing", email, "310 555 0177"),
        source="phone",
        actor=DESK,
    )


def series_visits(series_id: int) -> list[Appointment]:
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(Appointment.series_id == series_id)
            .order_by(Appointment.series_position)
        )
    )


def booked_online(app, starts_at=FIRST, paid: bool = True, email="standing@example.com") -> str:
    """A client's online booking of `starts_at`, its deposit paid (or none asked); the token."""
    with app.app_context():
        request = replace(first_visit(starts_at, email=email), source="online", actor=CLIENT)
        appointment = hold(request, get_clinic(), NOW)
        if paid and appointment.status == "held":
            db.session.add(
                Payment(
                    appointment=appointment,
                    provider="fake",
                    amount=appointment.deposit,
                    currency="USD",
                    status="paid",
                    paid_at=NOW,
                )
            )
            appointment.status, appointment.hold_expires_at = "confirmed", None
            db.session.commit()
        return appointment.token

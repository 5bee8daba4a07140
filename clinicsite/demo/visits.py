"""The demo clinic's returning clients and their visits (`content/visits.toml`), so a new
user finds past and upcoming bookings on a client's own page (/my/) and in the staff
calendar. Days are counted from the week the demo is loaded; a client who already has
any booking is left alone, so loading twice adds nothing."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from clinicsite.clients.matching import find_or_create
from clinicsite.extensions import db
from clinicsite.models import (
    BLOCKING,
    Appointment,
    ClinicSettings,
    Location,
    Service,
    StaffUser,
    StudioPayment,
    Therapist,
)


def visit_start(visit: dict[str, Any], today: date, tz) -> datetime:
    """The visit's start in UTC: `week` weeks from this week's Monday, on `weekday`, at
    `time` on the clinic's clock."""
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(weeks=visit["week"], days=visit["weekday"])
    local = datetime.combine(day, time.fromisoformat(visit["time"]), tzinfo=tz)
    return local.astimezone(UTC)


def load_visits(visits: list[dict[str, Any]], now: datetime, count) -> None:
    """Create the visits of every client who has no booking yet."""
    if not visits:
        return
    clinic = db.session.get(ClinicSettings, 1)
    today = now.astimezone(clinic.tz).date()
    booked = set(
        db.session.scalars(
            sa.select(sa.func.lower(Appointment.client_email)).where(
                sa.func.lower(Appointment.client_email).in_({v["email"] for v in visits})
            )
        )
    )
    for visit in visits:
        if visit["email"].lower() in booked:
            count("visits", False)
            continue
        start = visit_start(visit, today, clinic.tz)
        if visit["status"] == "confirmed" and start <= now:
            continue  # loaded late in the week: the upcoming visit would be in the past
        appointment = _appointment(visit, start, now, clinic.currency)
        if appointment is not None:
            db.session.add(appointment)
            db.session.flush()
            _paid_at_studio(visit, appointment)
        count("visits", appointment is not None)


def _appointment(
    visit: dict[str, Any], start: datetime, now: datetime, currency: str
) -> Appointment | None:
    service = db.session.scalar(sa.select(Service).filter_by(slug=visit["service"]))
    option = next(o for o in service.options if o.duration_minutes == visit["minutes"])
    therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=visit["therapist"]))
    end = start + timedelta(minutes=option.duration_minutes)
    blocks_until = end + timedelta(minutes=service.buffer_minutes)
    if visit["status"] in BLOCKING and _overlaps(therapist, start, blocks_until):
        return None  # someone booked that time on this demo site already
    return Appointment(
        token=secrets.token_urlsafe(24),
        service=service,
        option=option,
        therapist=therapist,
        location=db.session.scalar(sa.select(Location).filter_by(slug=visit["studio"])),
        starts_at=start,
        ends_at=end,
        blocks_until=blocks_until,
        status=visit["status"],
        price=option.price,
        deposit=0,  # booked by phone, paid at the studio
        currency=currency,
        client=find_or_create(visit["client"], visit["email"], visit.get("phone")),
        client_name=visit["client"],
        client_email=visit["email"],
        client_phone=visit.get("phone", ""),
        client_notes=visit.get("notes", ""),
        intake={},
        source="phone",
        created_at=min(now, start) - timedelta(days=7),
        confirmed_at=min(now, start) - timedelta(days=7),
        cancelled_at=start - timedelta(days=1) if visit["status"] == "cancelled" else None,
    )


def _paid_at_studio(visit: dict[str, Any], appointment: Appointment) -> None:
    """A past visit's price (and tip) paid at the studio, recorded by its therapist."""
    if "paid_method" not in visit or appointment.status != "completed":
        return
    therapist_account = db.session.scalar(
        sa.select(StaffUser.id).filter_by(therapist_id=appointment.therapist_id).limit(1)
    )
    db.session.add(
        StudioPayment(
            appointment_id=appointment.id,
            amount=appointment.price - appointment.deposit,
            tip=visit.get("paid_tip", 0),
            currency=appointment.currency,
            method=visit["paid_method"],
            recorded_by_id=therapist_account,
            recorded_at=appointment.ends_at + timedelta(minutes=5),
        )
    )


def _overlaps(therapist: Therapist, start: datetime, until: datetime) -> bool:
    return (
        db.session.scalar(
            sa.select(Appointment.id)
            .where(
                Appointment.therapist_id == therapist.id,
                Appointment.status.in_(BLOCKING),
                Appointment.starts_at < until,
                Appointment.blocks_until > start,
            )
            .limit(1)
        )
        is not None
    )

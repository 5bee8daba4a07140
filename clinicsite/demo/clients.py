"""Load the demo clients and their visits (`content/clients.toml`); `seed.load_demo` calls it.

They give a new user client records to look at (staff) and a client's own page with past
and upcoming visits (/my/). A client already known by email or phone is left as it is, so
running it twice is harmless. Visits are placed around the week of `now` and written as the
history they are (completed, a no-show, a cancellation, one to come): no emails, no
reminders, deposits recorded as paid by card. A visit that would clash with a booking the
demo site already has, or one to come whose time has passed, is left out."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from clinicsite.clients.matching import find_or_create
from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.models import (
    BLOCKING,
    Appointment,
    Client,
    ClinicSettings,
    Location,
    Payment,
    Service,
    ServiceArea,
    ServiceOption,
    StaffUser,
    StudioPayment,
    Therapist,
)
from clinicsite.phones import phone_key, region_for
from clinicsite.scheduling.rooms import room_for

Count = Callable[[str, bool], None]


def load_demo_clients(specs: list[dict[str, Any]], now: datetime, count: Count) -> None:
    """Create each client of `specs` that does not exist yet, with its visits."""
    clinic = db.session.get(ClinicSettings, 1)
    region = region_for(clinic.country)
    for spec in specs:
        exists = _known(spec, region)
        count("clients", not exists)
        if exists:
            continue
        client = find_or_create(spec["name"], spec.get("email"), spec.get("phone"), region=region)
        client.notes = spec.get("notes", "").strip()
        client.created_at = now - timedelta(weeks=-min(v["week"] for v in spec["visit"]) + 1)
        for visit in spec["visit"]:
            appointment = _visit(client, spec, visit, clinic, now)
            if appointment is not None:
                db.session.add(appointment)
                db.session.flush()  # the next visit's clash check sees this one
                _paid_at_studio(visit, appointment)
            count("appointments", appointment is not None)


def _known(spec: dict[str, Any], region: str) -> bool:
    e_key, p_key = email_key(spec.get("email")), phone_key(spec.get("phone"), region)
    keys = [Client.email_key == e_key] if e_key else []
    keys += [Client.phone_key == p_key] if p_key else []
    return bool(keys) and db.session.scalar(sa.select(sa.func.count()).where(sa.or_(*keys))) > 0


def visit_start(visit: dict[str, Any], tz: ZoneInfo, now: datetime) -> datetime:
    """The visit's start: `week` weeks from the Monday of `now`'s week, on `weekday`, at
    `time` on the clinic's clock (`tz`)."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(weeks=visit["week"], days=visit["weekday"])
    return datetime.combine(day, time.fromisoformat(visit["time"]), tzinfo=tz).astimezone(
        now.tzinfo
    )


def _visit(
    client: Client, spec: dict[str, Any], visit: dict[str, Any], clinic: ClinicSettings, now
) -> Appointment | None:
    service = db.session.scalar(sa.select(Service).filter_by(slug=visit["service"]))
    option = db.session.scalar(
        sa.select(ServiceOption).filter_by(service_id=service.id, duration_minutes=visit["minutes"])
    )
    therapist = db.session.scalar(sa.select(Therapist).filter_by(slug=visit["therapist"]))
    starts_at = visit_start(visit, clinic.tz, now)
    ends_at = starts_at + timedelta(minutes=option.duration_minutes)
    blocks_until = ends_at + timedelta(minutes=service.buffer_minutes)
    as_due = visit["status"] == "as_due"  # the demo week, as it stands the day it is loaded
    if as_due:
        visit = {**visit, "status": "completed" if ends_at <= now else "confirmed"}
    if visit["status"] == "confirmed" and starts_at <= now and not as_due:
        return None  # loaded late in the week: the visit to come would be in the past
    if visit["status"] in BLOCKING and _clashes(therapist, starts_at, blocks_until):
        return None  # someone booked that time on this demo site already
    booked_at = min(now, starts_at - timedelta(days=6))
    source = visit.get("source", "online" if spec.get("email") else "phone")
    paid = bool(visit.get("paid")) and option.deposit > 0
    location = db.session.scalar(sa.select(Location).filter_by(slug=visit["location"]))
    area = None  # a visit at the client's address names its area
    if "area" in visit:
        area = db.session.scalar(sa.select(ServiceArea).filter_by(slug=visit["area"]))
    surcharge = area.outcall_surcharge if area is not None else 0
    held = visit["status"] in BLOCKING  # a visit that took its time takes a room with it
    appointment = Appointment(
        token=secrets.token_urlsafe(24),
        service=service,
        option=option,
        therapist=therapist,
        location=location,
        room=room_for(service, location.id, starts_at, blocks_until, now) if held else None,
        starts_at=starts_at,
        ends_at=ends_at,
        blocks_until=blocks_until,
        status=visit["status"],
        price=option.price + surcharge,
        deposit=option.deposit if paid else 0,
        currency=clinic.currency,
        client=client,
        client_name=spec["name"],
        client_email=spec.get("email", ""),
        client_phone=spec.get("phone", ""),
        client_notes=visit.get("notes", ""),
        intake={**visit.get("intake", {}), "consent": True} if visit.get("intake") else {},
        source=source,
        origin=_demo_origin(spec["name"], visit) if source == "online" else None,
        created_at=booked_at,
        confirmed_at=booked_at,
        cancelled_at=starts_at - timedelta(days=1) if visit["status"] == "cancelled" else None,
        # The demo sends no email about its invented clients.
        reminder_queued_at=booked_at,
        visit_area=area,
        visit_address=visit.get("address", ""),
        visit_postal_code=visit.get("postal_code", ""),
        outcall_surcharge=surcharge,
    )
    if paid:
        appointment.payments.append(
            Payment(
                provider="fake",
                amount=option.deposit,
                currency=clinic.currency,
                status="paid",
                created_at=booked_at,
                paid_at=booked_at,
            )
        )
    return appointment


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


def _clashes(therapist: Therapist, start: datetime, until: datetime) -> bool:
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


# Where the demo's online bookings came from (appointments/origins.py), so the reports have
# something to show: picked by the client's name, the same on every load.
DEMO_ORIGINS = (
    "direct",
    "area_service:hermosa-beach/neuromuscular-therapy",
    "area:manhattan-beach",
    "post:five-minute-tennis-ball-routine",
    "direct",
    "newsletter",
    "area:torrance",
    "site",
    "post:paddling-shoulders",
    "direct",
)


def _demo_origin(name: str, visit: dict) -> str:
    if "origin" in visit:
        return visit["origin"]
    return DEMO_ORIGINS[sum(map(ord, name)) % len(DEMO_ORIGINS)]

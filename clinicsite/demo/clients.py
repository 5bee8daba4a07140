"""Load the demo clients and their visits (`content/clients.toml`); `seed.load_demo` calls it.

A client already known by email or phone is left as it is, so running it twice is harmless.
Visits are placed around the week of `now` and written as the history they are (completed,
a no-show, one to come): no emails, no reminders, deposits recorded as paid by card."""

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
    Appointment,
    Client,
    ClinicSettings,
    Location,
    Payment,
    Service,
    ServiceOption,
    Therapist,
)
from clinicsite.phones import phone_key, region_for

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
            db.session.add(_visit(client, spec, visit, clinic, now))
            count("appointments", True)


def _known(spec: dict[str, Any], region: str) -> bool:
    e_key, p_key = email_key(spec.get("email")), phone_key(spec.get("phone"), region)
    keys = [Client.email_key == e_key] if e_key else []
    keys += [Client.phone_key == p_key] if p_key else []
    return bool(keys) and db.session.scalar(sa.select(sa.func.count()).where(sa.or_(*keys))) > 0


def _when(visit: dict[str, Any], tz: ZoneInfo, now: datetime) -> datetime:
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    day = monday + timedelta(weeks=visit["week"], days=visit["weekday"])
    return datetime.combine(day, time.fromisoformat(visit["time"]), tzinfo=tz).astimezone(
        now.tzinfo
    )


def _visit(
    client: Client, spec: dict[str, Any], visit: dict[str, Any], clinic: ClinicSettings, now
) -> Appointment:
    service = db.session.scalar(sa.select(Service).filter_by(slug=visit["service"]))
    option = db.session.scalar(
        sa.select(ServiceOption).filter_by(service_id=service.id, duration_minutes=visit["minutes"])
    )
    starts_at = _when(visit, clinic.tz, now)
    ends_at = starts_at + timedelta(minutes=option.duration_minutes)
    booked_at = min(now, starts_at - timedelta(days=6))
    paid = bool(visit.get("paid")) and option.deposit > 0
    appointment = Appointment(
        token=secrets.token_urlsafe(24),
        service=service,
        option=option,
        therapist=db.session.scalar(sa.select(Therapist).filter_by(slug=visit["therapist"])),
        location=db.session.scalar(sa.select(Location).filter_by(slug=visit["location"])),
        starts_at=starts_at,
        ends_at=ends_at,
        blocks_until=ends_at + timedelta(minutes=service.buffer_minutes),
        status=visit["status"],
        price=option.price,
        deposit=option.deposit if paid else 0,
        currency=clinic.currency,
        client=client,
        client_name=spec["name"],
        client_email=spec.get("email", ""),
        client_phone=spec.get("phone", ""),
        intake={**visit.get("intake", {}), "consent": True} if visit.get("intake") else {},
        source="online" if spec.get("email") else "phone",
        created_at=booked_at,
        confirmed_at=booked_at,
        # The demo sends no email about its invented clients.
        reminder_queued_at=booked_at,
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

"""Shared set-up for waitlist tests: entries joined through the domain, a booked time that
is then cancelled, and the claim links read from the delivered emails."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import (
    Appointment,
    Location,
    Service,
    ServiceOption,
    Therapist,
    WaitlistEntry,
    WaitlistOffer,
)
from clinicsite.waitlist import entries

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday 08:00 in Los Angeles
WEDNESDAY = date(2026, 12, 9)  # Dana works 09:00-15:00 at the Hermosa Beach studio
NMT = "neuromuscular-therapy"
CLAIM_LINK = re.compile(r"https?://[^\s\"<>]+/book/waitlist/claim/[A-Za-z0-9_-]+")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Los Angeles, as aware UTC."""
    return datetime.combine(day, time(hour, minute), LA).astimezone(UTC)


def join(
    app: Flask,
    email: str = "wanda@example.com",
    name: str = "Wanda Wait",
    therapist: str | None = "dana-okafor",
    service: str = NMT,
    minutes: int | None = 60,
    first: date = WEDNESDAY,
    last: date = WEDNESDAY,
    earliest: time = time(9),
    latest: time = time(17),
    weekdays: int = 0b1111111,
    location: str | None = None,
    now: datetime = NOW,
    phone: str = "",
    sms_consent: bool = False,
) -> int:
    """Put a client on the waitlist through the domain; returns the entry's id."""
    with app.test_request_context():
        svc = db.session.scalar(sa.select(Service).filter_by(slug=service))
        option = None
        if minutes is not None:
            option = db.session.scalar(
                sa.select(ServiceOption).filter_by(service_id=svc.id, duration_minutes=minutes)
            )
        person = therapist and db.session.scalar(sa.select(Therapist).filter_by(slug=therapist))
        studio = location and db.session.scalar(sa.select(Location).filter_by(slug=location))
        request = entries.JoinRequest(
            svc,
            option,
            person or None,
            studio or None,
            first,
            last,
            earliest,
            latest,
            weekdays,
            name,
            email,
            phone,
            sms_consent,
        )
        return entries.join(request, get_clinic(), now).id


def offers_of(app: Flask, entry_id: int) -> list[tuple[str, datetime]]:
    """(status, start) of each offer made to the entry, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(WaitlistOffer.status, WaitlistOffer.starts_at)
            .where(WaitlistOffer.entry_id == entry_id)
            .order_by(WaitlistOffer.id)
        )
        return [tuple(row) for row in rows]


def entry_status(app: Flask, entry_id: int) -> str:
    with app.app_context():
        return db.session.get(WaitlistEntry, entry_id).status


def appointments_at(app: Flask, start: datetime) -> list[tuple[str, str]]:
    """(client email, status) of the appointments starting at `start`."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Appointment.client_email, Appointment.status).where(
                Appointment.starts_at == start
            )
        )
        return sorted(tuple(row) for row in rows)


def claim_links(messages, to: str) -> list[str]:
    """The claim links in the offers delivered to `to`, oldest first."""
    found = []
    for message in messages:
        if to in message["To"] and message["Subject"].startswith("A time has freed up"):
            found += CLAIM_LINK.findall(message.get_body(("plain",)).get_content())
    return found


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]

"""Joining the waitlist and leaving it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from clinicsite import notifications
from clinicsite.extensions import db
from clinicsite.models import (
    ClinicSettings,
    Location,
    Service,
    ServiceOption,
    Therapist,
    WaitlistEntry,
    WaitlistOffer,
)
from clinicsite.notifications.links import Links

# One person may wait for a handful of things at once, not fill the list.
MAX_ACTIVE_PER_EMAIL = 3


class JoinRefused(Exception):
    """The entry cannot be made; str() is the message for the client."""


@dataclass(frozen=True)
class JoinRequest:
    """What the client waits for (therapist and studio None: any) and how to reach them."""

    service: Service
    option: ServiceOption | None
    therapist: Therapist | None
    location: Location | None
    date_from: date
    date_to: date
    earliest: time
    latest: time
    weekdays: int  # bit 0 Monday
    name: str
    email: str
    phone: str = ""
    sms_consent: bool = False  # offers by text too (the number must be one we can text)


def problem(request: JoinRequest, clinic: ClinicSettings, now: datetime) -> str | None:
    """What is wrong with `request`, in words for the client; None when it can be joined."""
    today = now.astimezone(clinic.tz).date()
    last = today + timedelta(days=clinic.horizon_days)
    if request.option is not None and request.option.service_id != request.service.id:
        return "That length is not one of this service's."
    if request.therapist is not None and request.service not in request.therapist.services:
        return f"{request.therapist.name} does not offer {request.service.name}."
    if request.date_from < today:
        return "The first day must be today or later."
    if request.date_to < request.date_from:
        return "The last day must be on or after the first day."
    if request.date_to > last:
        return f"We take bookings up to {clinic.horizon_days} days ahead: pick an earlier last day."
    if request.latest < request.earliest:
        return "The latest start must be at or after the earliest start."
    if not 0 < request.weekdays <= 0b1111111:
        return "Please pick at least one day of the week."
    return None


def join(
    request: JoinRequest, clinic: ClinicSettings, now: datetime, links: Links | None = None
) -> WaitlistEntry:
    """Put the client on the waitlist, email them how to leave it, and commit. Raises
    JoinRefused with the reason."""
    refused = problem(request, clinic, now)
    if refused:
        raise JoinRefused(refused)
    email = request.email.strip()
    waiting = db.session.scalar(
        sa.select(sa.func.count(WaitlistEntry.id)).where(
            sa.func.lower(WaitlistEntry.email) == email.lower(), WaitlistEntry.status == "active"
        )
    )
    if waiting >= MAX_ACTIVE_PER_EMAIL:
        raise JoinRefused(
            f"This email is already on the waitlist {waiting} times; please withdraw one first."
        )
    entry = WaitlistEntry(
        service=request.service,
        option=request.option,
        therapist=request.therapist,
        location=request.location,
        date_from=request.date_from,
        date_to=request.date_to,
        earliest=request.earliest,
        latest=request.latest,
        weekdays=request.weekdays,
        name=request.name.strip(),
        email=email,
        phone=request.phone.strip(),
        sms_consent=request.sms_consent,
        sms_consent_at=now if request.sms_consent else None,
        created_at=now,
        status="active",
        withdraw_token=secrets.token_urlsafe(24),
    )
    db.session.add(entry)
    db.session.flush()
    notifications.waitlist_joined(entry, links)
    db.session.commit()
    return entry


def entry_for_withdraw_token(token: str) -> WaitlistEntry | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(WaitlistEntry).where(WaitlistEntry.withdraw_token == token))


def withdraw(entry: WaitlistEntry, now: datetime) -> bool:
    """Take an active entry off the waitlist (its open offers with it) and commit; False
    when it was not active any more."""
    if entry.status != "active":
        return False
    entry.status, entry.ended_at = "withdrawn", now
    for offer in entry.offers:
        if offer.status == "offered":
            offer.status = "gone"
    db.session.commit()
    return True


def active_entries(limit: int = 200) -> list[WaitlistEntry]:
    """Entries still waiting, in join order (the order offers go out)."""
    return list(
        db.session.scalars(
            sa.select(WaitlistEntry)
            .where(WaitlistEntry.status == "active")
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .options(
                sa.orm.selectinload(WaitlistEntry.service),
                sa.orm.selectinload(WaitlistEntry.option),
                sa.orm.selectinload(WaitlistEntry.therapist),
                sa.orm.selectinload(WaitlistEntry.location),
            )
            .limit(limit)
        )
    )


def recent_offers(limit: int = 50) -> list[WaitlistOffer]:
    """The latest offers, newest first, with what they offered and to whom."""
    return list(
        db.session.scalars(
            sa.select(WaitlistOffer)
            .order_by(WaitlistOffer.offered_at.desc(), WaitlistOffer.id.desc())
            .options(
                sa.orm.selectinload(WaitlistOffer.entry),
                sa.orm.selectinload(WaitlistOffer.therapist),
                sa.orm.selectinload(WaitlistOffer.option).selectinload(ServiceOption.service),
            )
            .limit(limit)
        )
    )

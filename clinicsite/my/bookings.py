"""What a client's own page shows: their bookings, split into upcoming and past, and the
choices that book the same visit again. No request: a view, a test or a command calls it.

Every lookup of "whose bookings are these" goes through `appointments_for`, the one place
that decides which appointments belong to a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from clinicsite.clients.normalise import email_key
from clinicsite.extensions import db
from clinicsite.models import Appointment, Client, appointment_details, therapist_service
from clinicsite.packages import sessions as package_sessions

# An expired hold was never a booking: the client did not finish it.
NOT_SHOWN = ("expired",)


def normalise_email(address: str) -> str:
    """The spelling sign-in links and lookups use: trimmed, lower case."""
    return address.strip().lower()


def appointments_for(email: str) -> list[Appointment]:
    """Every booking of the client whose email this is (matched as client records match
    it, any letter case), soonest first, with what the page shows loaded. Visits a merge
    moved onto the client are theirs too; an anonymised client's are no one's."""
    key = email_key(email)
    if not key:
        return []
    clients = sa.select(Client.id).where(Client.email_key == key)
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .where(
                Appointment.client_id.in_(clients),
                Appointment.status.not_in(NOT_SHOWN),
            )
            .options(*appointment_details())
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def has_bookings(email: str) -> bool:
    """Whether this email may ask for a sign-in link: it has booked, or bought a package."""
    return bool(appointments_for(email)) or package_sessions.is_buyer(email)


@dataclass(frozen=True)
class MyBookings:
    upcoming: list[Appointment]  # soonest first
    past: list[Appointment]  # latest first, cancelled ones among them


def is_upcoming(appointment: Appointment, now: datetime) -> bool:
    if appointment.starts_at <= now:
        return False
    if appointment.status == "held":
        return appointment.hold_expires_at is not None and appointment.hold_expires_at > now
    return appointment.status == "confirmed"


def split(appointments: list[Appointment], now: datetime) -> MyBookings:
    """Upcoming: confirmed (or held and still payable) and not started. Past: the rest,
    including cancelled visits and holds whose time lapsed."""
    upcoming = [a for a in appointments if is_upcoming(a, now)]
    past = [a for a in appointments if not is_upcoming(a, now)]
    return MyBookings(upcoming=upcoming, past=sorted(past, key=lambda a: a.starts_at, reverse=True))


def bookings_of(email: str, now: datetime) -> MyBookings:
    return split(appointments_for(email), now)


def book_again(appointments: list[Appointment]) -> dict[int, dict[str, str] | None]:
    """For each appointment (by id), the /book/ query parameters that choose its service,
    length, studio and therapist again, as far as each is still offered (the flow asks for
    the rest); None when the service itself is no longer booked online. One query for
    who performs what, however many appointments."""
    pairs = {(a.therapist_id, a.service_id) for a in appointments}
    performs: set[tuple[int, int]] = set()
    if pairs:
        link = therapist_service.c
        rows = db.session.execute(
            sa.select(link.therapist_id, link.service_id).where(
                link.therapist_id.in_({t for t, _ in pairs}),
                link.service_id.in_({s for _, s in pairs}),
            )
        )
        performs = {(t, s) for t, s in rows}
    return {a.id: _again(a, (a.therapist_id, a.service_id) in performs) for a in appointments}


def _again(appointment: Appointment, therapist_performs: bool) -> dict[str, str] | None:
    service = appointment.service
    if not service.active:
        return None
    params = {"service": service.slug}
    if not appointment.option.active:
        return params
    params["option"] = str(appointment.option.id)
    if not appointment.location.active:
        return params
    params["location"] = appointment.location.slug
    if appointment.therapist.active and therapist_performs:
        params["therapist"] = appointment.therapist.slug
    return params

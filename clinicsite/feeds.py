"""Calendar feeds: secret subscription links (/calendar/<token>.ics) that a therapist or the
owner adds to the calendar app on their phone.

A therapist's feed (Therapist.feed_token) has that therapist's appointments; an admin's feed
(StaffUser.feed_token, honoured only while the account is an active admin) has everyone's.
Anyone holding the link can read the client names and phones in it, so the token is long
(256 random bits), looked up on its unique column, and replaced or removed from the staff
page the moment a phone is lost.

Cancelled appointments are left out rather than sent with STATUS:CANCELLED: a subscribed
calendar replaces its copy with the feed on every refresh, so an event that disappears from
the feed disappears from the phone, while several subscription clients ignore STATUS in
feeds and would keep showing a cancelled booking as if the time were taken.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from clinicsite.audit import Actor, record_change
from clinicsite.extensions import db
from clinicsite.mail.ics import CalendarEvent, calendar_feed, visit_location
from clinicsite.models import Appointment, ClinicSettings, StaffUser, Therapist

# Held and expired appointments never were on anyone's calendar; cancelled: see above.
FEED_STATUSES = ("confirmed", "completed", "no_show")
PAST = timedelta(days=30)
TOKEN_MAX_LENGTH = 64  # the column's size: anything longer cannot be a token


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class FeedSource:
    """What a token opens: one therapist's appointments, or (therapist None) everyone's."""

    therapist: Therapist | None


def find_feed(token: str) -> FeedSource | None:
    """The feed `token` belongs to, or None (unknown, turned off, or no longer an admin)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    therapist = db.session.scalar(sa.select(Therapist).where(Therapist.feed_token == token))
    if therapist is not None:
        return FeedSource(therapist)
    admin = db.session.scalar(
        sa.select(StaffUser.id).where(
            StaffUser.feed_token == token, StaffUser.role == "admin", StaffUser.active
        )
    )
    return FeedSource(None) if admin is not None else None


def feed_appointments(source: FeedSource, clinic: ClinicSettings, now: datetime):
    """The appointments of the feed, from 30 days ago to the booking horizon."""
    query = (
        sa.select(Appointment)
        .where(
            Appointment.status.in_(FEED_STATUSES),
            Appointment.ends_at > now - PAST,
            Appointment.starts_at < now + timedelta(days=clinic.horizon_days),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .options(
            joinedload(Appointment.service),
            joinedload(Appointment.therapist),
            joinedload(Appointment.location),
        )
    )
    if source.therapist is not None:
        query = query.where(Appointment.therapist_id == source.therapist.id)
    return list(db.session.scalars(query))


def build_feed(
    source: FeedSource,
    clinic: ClinicSettings,
    now: datetime,
    staff_link: Callable[[int], str],
) -> str:
    """The iCalendar text of the feed; `staff_link(id)` is the staff page of an appointment."""
    whole_clinic = source.therapist is None
    events = [
        _event(a, whole_clinic, staff_link(a.id)) for a in feed_appointments(source, clinic, now)
    ]
    who = "All appointments" if whole_clinic else source.therapist.name
    return calendar_feed(events, name=f"{clinic.name} – {who}", tz_name=clinic.timezone)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _host(link: str) -> str:
    return urlsplit(link).hostname or "clinicsite.invalid"


def _event(appointment: Appointment, whole_clinic: bool, link: str) -> CalendarEvent:
    summary = f"{appointment.service.name} – {appointment.client_name}"
    if whole_clinic:
        summary = f"{appointment.therapist.name}: {summary}"
    lines = [f"Client: {appointment.client_name}"]
    if appointment.client_phone:
        lines.append(f"Phone: {appointment.client_phone}")
    lines.append(f"Details: {link}")
    return CalendarEvent(
        # The site's host (from the link, built on SITE_URL) and a digest of the booking's
        # secret: unique across installations and across a rebuilt database reusing ids.
        uid=f"staff-appointment-{appointment.id}-{_digest(appointment.token)}@{_host(link)}",
        summary=summary,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        location=visit_location(appointment),
        description="\n".join(lines),
        sequence=appointment.sequence,
        url=link,
    )


def regenerate(owner: Therapist | StaffUser, actor: Actor) -> str:
    """Give `owner` a new feed token (the old link stops working); audited, not committed."""
    had_feed = owner.feed_token is not None
    owner.feed_token = new_token()
    _audit(
        owner, "calendar feed regenerated" if had_feed else "calendar feed created", actor, had_feed
    )
    return owner.feed_token


def turn_off(owner: Therapist | StaffUser, actor: Actor) -> bool:
    """Remove `owner`'s feed; False when there was none. Audited, not committed."""
    if owner.feed_token is None:
        return False
    owner.feed_token = None
    _audit(owner, "calendar feed turned off", actor, True)
    return True


def _audit(owner: Therapist | StaffUser, action: str, actor: Actor, had_feed: bool) -> None:
    # The token itself is a secret: the log only says whether a feed existed.
    subject = "therapist" if isinstance(owner, Therapist) else "staff_user"
    record_change(
        subject,
        owner.id,
        action,
        actor,
        before={"feed": "on" if had_feed else "off"},
        after={"feed": "on" if owner.feed_token else "off"},
    )

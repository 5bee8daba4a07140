"""Closures from the database: the closed spans availability leaves out, the check a booking
makes under its therapist's lock, and the bookings a new closure would cover."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from clinicsite.extensions import db
from clinicsite.models import Appointment, Closure
from clinicsite.scheduling import availability as av
from clinicsite.scheduling.holds import SlotTaken, blocking_condition
from clinicsite.timefmt import closed_span


class StudioClosed(SlotTaken):
    """The time falls in a closure of the clinic or of the studio. A SlotTaken, so every
    path that refuses a taken time refuses this one too; `closure` says which."""

    def __init__(self, closure: Closure) -> None:
        super().__init__(closure.note or "closed")
        self.closure = closure


def _at(location_id: int | None):
    if location_id is None:
        return sa.true()
    return sa.or_(Closure.location_id.is_(None), Closure.location_id == location_id)


def closed_spans(start: datetime, end: datetime) -> list[av.Closed]:
    """Every closure (any studio) that meets [start, end), for the availability function."""
    rows = db.session.execute(
        sa.select(Closure.starts_at, Closure.ends_at, Closure.location_id).where(
            Closure.starts_at < end, Closure.ends_at > start
        )
    )
    return [av.Closed(s, e, location) for s, e, location in rows]


def closure_at(location_id: int | None, start: datetime, end: datetime) -> Closure | None:
    """The first closure of the clinic or of the studio that meets [start, end), if any."""
    return db.session.scalar(
        sa.select(Closure)
        .where(Closure.starts_at < end, Closure.ends_at > start, _at(location_id))
        .order_by(Closure.starts_at)
        .limit(1)
    )


def refuse_if_closed(location_id: int | None, start: datetime, end: datetime) -> None:
    """Raise StudioClosed when [start, end) meets a closure at that studio."""
    closure = closure_at(location_id, start, end)
    if closure is not None:
        raise StudioClosed(closure)


def closed_guard(appointment: Appointment):
    """A `claim` guard refusing the appointment's time when it is in a closure: for moves
    and standing appointments, which claim without going through `hold`."""
    return lambda: refuse_if_closed(
        appointment.location_id, appointment.starts_at, appointment.ends_at
    )


def bookings_covered(
    location_id: int | None, start: datetime, end: datetime, now: datetime
) -> list[Appointment]:
    """Booked appointments and unexpired holds that a closure of [start, end) at the studio
    (None: every studio) would cover, in time order: the people staff may need to call."""
    query = sa.select(Appointment).where(
        Appointment.starts_at < end, Appointment.ends_at > start, blocking_condition(now)
    )
    if location_id is not None:
        query = query.where(Appointment.location_id == location_id)
    query = query.order_by(Appointment.starts_at).options(
        joinedload(Appointment.service), joinedload(Appointment.therapist)
    )
    return list(db.session.scalars(query))


def upcoming(now: datetime, limit: int = 20) -> list[Closure]:
    """Closures not yet over, soonest first, with their studios (for clients and staff)."""
    return list(
        db.session.scalars(
            sa.select(Closure)
            .where(Closure.ends_at > now)
            .order_by(Closure.starts_at, Closure.id)
            .options(joinedload(Closure.location))
            .limit(limit)
        )
    )


def describe(closure: Closure, tz: ZoneInfo) -> str:
    """'Closed Friday, December 25, 2026 (all day): Christmas Day', naming the studio when
    only one is closed."""
    where = f"{closure.location.name} is closed" if closure.location else "Closed"
    text = f"{where} {closed_span(closure.starts_at, closure.ends_at, tz)}"
    return f"{text}: {closure.note}" if closure.note else text

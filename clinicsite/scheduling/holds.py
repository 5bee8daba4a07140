"""The double-booking guarantee.

Every write that puts an appointment on a therapist's calendar (a new hold, a staff
booking, a reschedule, a late payment re-taking its time) goes through `claim`, which first
takes the therapist's row lock with an UPDATE and only then checks for overlaps:

- PostgreSQL: the UPDATE holds the row lock until commit, so a second transaction for the
  same therapist waits, then (READ COMMITTED) sees the first one's appointment.
- SQLite: the UPDATE starts the write transaction (one writer at a time for the file), and
  the busy timeout makes the second writer wait instead of failing.

The overlap check therefore always runs against committed data that cannot change under it;
so does the travel check after it (scheduling/travel_times.py): a visit leaves the travel
time to the therapist's visits before and after it when either is a home visit. Then the
visit takes a room at its studio, under the studio's lock (scheduling/rooms.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import BLOCKING, Appointment, Therapist


class SlotTaken(Exception):
    """The time overlaps another appointment or an unexpired hold of the therapist."""


def lock_therapists(*therapist_ids: int) -> None:
    """Take the booking lock of each therapist, in id order (no deadlocks between two
    transactions that lock the same pair)."""
    for therapist_id in sorted(set(therapist_ids)):
        db.session.execute(
            sa.update(Therapist)
            .where(Therapist.id == therapist_id)
            .values(schedule_version=Therapist.schedule_version + 1)
            .execution_options(synchronize_session=False)
        )


def blocking_condition(now: datetime):
    """Appointments that keep their time taken at `now`."""
    return sa.or_(
        Appointment.status.in_(BLOCKING),
        sa.and_(Appointment.status == "held", Appointment.hold_expires_at > now),
    )


def overlaps(
    therapist_id: int,
    starts_at: datetime,
    blocks_until: datetime,
    now: datetime,
    exclude_id: int | None = None,
) -> bool:
    """Whether [starts_at, blocks_until) meets any blocking appointment of the therapist.
    Both sides include their buffers: blocks_until is the end plus the buffer."""
    query = sa.select(Appointment.id).where(
        Appointment.therapist_id == therapist_id,
        Appointment.starts_at < blocks_until,
        Appointment.blocks_until > starts_at,
        blocking_condition(now),
    )
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def claim(
    appointment: Appointment,
    now: datetime,
    previous_therapist_id: int | None = None,
    guard: Callable[[], None] | None = None,
):
    """Put `appointment` (new, or moved to new times) on its therapist's calendar.

    `guard` runs under the lock, before the overlap check, and may raise to refuse (the
    per-client booking limits count there, so simultaneous requests cannot all pass).
    The caller commits, or rolls back on SlotTaken (raised when the time is not free, or
    too close to another visit for the travel between them;
    rooms.NoRoomFree when the therapist is free but the studio's rooms are not) or on what
    `guard` raised.
    """
    # rooms.py and travel_times.py build on this module
    from clinicsite.scheduling.rooms import take_room
    from clinicsite.scheduling.travel_times import too_close

    with db.session.no_autoflush:
        lock_therapists(appointment.therapist_id, *filter(None, [previous_therapist_id]))
        if guard is not None:
            guard()
    if overlaps(
        appointment.therapist_id,
        appointment.starts_at,
        appointment.blocks_until,
        now,
        exclude_id=appointment.id,
    ) or too_close(appointment, now):
        raise SlotTaken
    take_room(appointment, now)
    db.session.add(appointment)
    db.session.flush()

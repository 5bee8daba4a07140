"""Day-before reminders."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from clinicsite import clock
from clinicsite.booking import emails
from clinicsite.extensions import db
from clinicsite.models import Appointment

AHEAD = timedelta(hours=24)


def queue_reminders() -> int:
    """Queue one reminder per confirmed appointment starting within the next 24 hours.
    The outbox key makes a second run (or two runs at once) queue nothing new."""
    now = clock.now()
    due = db.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.status == "confirmed",
            Appointment.reminder_queued_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at <= now + AHEAD,
        )
        .order_by(Appointment.starts_at)
        .options(
            selectinload(Appointment.service),
            selectinload(Appointment.option),
            selectinload(Appointment.therapist),
            selectinload(Appointment.location),
        )
    ).all()
    for appointment in due:
        emails.reminder(appointment)
        appointment.reminder_queued_at = now
    db.session.commit()
    return len(due)

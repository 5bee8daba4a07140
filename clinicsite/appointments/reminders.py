"""Day-before reminders.

A reminder goes out on the clinic's local day before the appointment, and no earlier than
24 real hours before it: its words ("your appointment tomorrow") are then true by the
calendar, whatever the hours in between. On a 23-hour day a Monday 00:30 appointment is
reminded at Sunday 00:00 (not Saturday 23:30); on a 25-hour day 24 hours ahead is already
the day before. An appointment booked on its own day gets no reminder: the confirmation
has just gone out, and "tomorrow" would be wrong.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from clinicsite import clock, notifications
from clinicsite.clinic import get_clinic
from clinicsite.extensions import db
from clinicsite.models import Appointment, appointment_details

AHEAD = timedelta(hours=24)


def queue_reminders() -> int:
    """Queue one reminder per confirmed appointment starting within the next 24 hours on
    the clinic's next local day. The outbox key makes a second run (or two runs at once)
    queue nothing new."""
    now = clock.now()
    tz = get_clinic().tz
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    due = db.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.status == "confirmed",
            Appointment.reminder_queued_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at <= now + AHEAD,
        )
        .order_by(Appointment.starts_at)
        .options(*appointment_details())
    ).all()
    due = [a for a in due if a.starts_at.astimezone(tz).date() == tomorrow]
    for appointment in due:
        notifications.reminder(appointment)
        appointment.reminder_queued_at = now
    db.session.commit()
    return len(due)

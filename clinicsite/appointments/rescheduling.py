"""Moving a confirmed appointment to another time (and perhaps therapist and location)."""

from __future__ import annotations

from datetime import datetime

from clinicsite import audit, notifications
from clinicsite.appointments import cancellation
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import CLIENT, Actor
from clinicsite.calendars.busy import refuse_if_busy_elsewhere
from clinicsite.extensions import db
from clinicsite.models import Appointment, ClinicSettings, Location, Therapist
from clinicsite.scheduling.closures import closed_guard
from clinicsite.scheduling.holds import SlotTaken, claim
from clinicsite.waitlist import offers


def reschedule(
    appointment: Appointment,
    starts_at: datetime,
    therapist: Therapist,
    location: Location,
    clinic: ClinicSettings,
    now: datetime,
    enforce_policy: bool = True,
    actor: Actor = CLIENT,
) -> None:
    """Move a confirmed appointment to a new free time (the deposit carries over) and
    commit. Raises SlotTaken (StudioClosed when the new time is in a closure, BusyElsewhere
    when a client moves it into a busy time of the therapist's own calendar; both checked
    under the therapist's lock) or NotAllowed."""
    if appointment.status != "confirmed":
        raise NotAllowed("Only a confirmed appointment can be moved.")
    if enforce_policy and not cancellation.cancellation_terms(appointment, clinic, now).refundable:
        raise NotAllowed("It is too close to the appointment to move it online; please call us.")
    before = audit.snapshot(appointment)
    previous = (appointment.starts_at, appointment.therapist_id)
    length = appointment.ends_at - appointment.starts_at
    buffer = appointment.blocks_until - appointment.ends_at
    appointment.starts_at, appointment.ends_at = starts_at, starts_at + length
    appointment.blocks_until = starts_at + length + buffer
    appointment.therapist_id, appointment.location_id = therapist.id, location.id
    appointment.sequence += 1
    appointment.reminder_queued_at = None  # the new time gets its own reminder
    appointment.moved_at = now  # reminders already due for the new time are not sent late
    try:
        claim(appointment, now, previous_therapist_id=previous[1], guard=_guard(appointment, actor))
    except SlotTaken:  # StudioClosed too
        db.session.rollback()
        raise
    notifications.booking_rescheduled(appointment, previous[0])
    offers.after_freed(previous[1], previous[0], previous[0] + length, now)
    audit.record(appointment, "moved", actor, before)
    db.session.commit()


def _guard(appointment: Appointment, actor: Actor):
    """Closures always refuse; the therapist's own calendar only a client's move (staff
    may move a visit over it)."""
    closed = closed_guard(appointment)

    def guard() -> None:
        closed()
        if actor is CLIENT:
            refuse_if_busy_elsewhere(
                appointment.therapist_id, appointment.starts_at, appointment.blocks_until
            )

    return guard

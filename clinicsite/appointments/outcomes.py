"""After the visit: completed or a no-show, and putting a mistaken mark back within a day."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from clinicsite import audit
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent, FeeCharge

OUTCOMES = {"completed": "completed", "no_show": "no-show"}
MARKED = tuple("marked " + words for words in OUTCOMES.values())
# A wrong tap on "No-show" is noticed the same day; after that the mark is history.
UNDO_WINDOW = timedelta(days=1)
CHARGED = ("pending", "succeeded", "requires_action")  # a fee taken, or on its way


def record_outcome(appointment: Appointment, outcome: str, actor: Actor, now: datetime) -> str:
    """Mark a confirmed appointment that has started as completed or a no-show, and commit;
    return the outcome in words. Raises NotAllowed."""
    if outcome not in OUTCOMES or appointment.status != "confirmed":
        raise NotAllowed("Only a confirmed appointment can be marked completed or no-show.")
    if appointment.starts_at > now:
        raise NotAllowed("That appointment has not started yet.")
    before = audit.snapshot(appointment)
    appointment.status = outcome
    event = audit.record(appointment, "marked " + OUTCOMES[outcome], actor, before)
    event.created_at = now  # the undo window counts from here, on the same clock
    db.session.commit()
    return OUTCOMES[outcome]


def marked_at(appointment: Appointment) -> datetime | None:
    """When the appointment was last marked completed or no-show (from its history)."""
    return db.session.scalar(
        sa.select(sa.func.max(AuditEvent.created_at)).where(
            AuditEvent.subject_type == "appointment",
            AuditEvent.subject_id == appointment.id,
            AuditEvent.action.in_(MARKED),
        )
    )


def undo_until(appointment: Appointment, now: datetime) -> datetime | None:
    """Until when the outcome can be undone; None when it cannot (any more)."""
    if appointment.status not in OUTCOMES:
        return None
    when = marked_at(appointment)
    if when is None or now >= when + UNDO_WINDOW:
        return None
    return when + UNDO_WINDOW


def undo_outcome(appointment: Appointment, actor: Actor, now: datetime) -> str:
    """Put an appointment marked completed or no-show less than a day ago back to
    confirmed, and commit; return the outcome undone, in words. Raises NotAllowed, also
    when a no-show fee was charged for it (refund that first)."""
    was = appointment.status
    if was not in OUTCOMES:
        raise NotAllowed("Only an appointment marked completed or no-show can be put back.")
    if undo_until(appointment, now) is None:
        raise NotAllowed("It was marked more than a day ago, so the mark stays.")
    charged = db.session.scalar(
        sa.select(FeeCharge.id)
        .where(FeeCharge.appointment_id == appointment.id, FeeCharge.status.in_(CHARGED))
        .limit(1)
    )
    if charged is not None:
        raise NotAllowed("A fee was charged for this no-show: refund it before undoing the mark.")
    # Only one of two undo clicks sent at once changes the row.
    changed = db.session.execute(
        sa.update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == was)
        .values(status="confirmed")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise NotAllowed("Someone else changed this appointment just now; please look again.")
    before = audit.snapshot(appointment)
    appointment.status = "confirmed"
    event = audit.record(appointment, f"{OUTCOMES[was]} undone", actor, before)
    event.created_at = now
    db.session.commit()
    return OUTCOMES[was]

"""After the visit: completed or a no-show."""

from __future__ import annotations

from datetime import datetime

from clinicsite import audit
from clinicsite.appointments.errors import NotAllowed
from clinicsite.audit import Actor
from clinicsite.extensions import db
from clinicsite.models import Appointment

OUTCOMES = {"completed": "completed", "no_show": "no-show"}


def record_outcome(appointment: Appointment, outcome: str, actor: Actor, now: datetime) -> str:
    """Mark a confirmed appointment that has started as completed or a no-show, and commit;
    return the outcome in words. Raises NotAllowed."""
    if outcome not in OUTCOMES or appointment.status != "confirmed":
        raise NotAllowed("Only a confirmed appointment can be marked completed or no-show.")
    if appointment.starts_at > now:
        raise NotAllowed("That appointment has not started yet.")
    before = audit.snapshot(appointment)
    appointment.status = outcome
    audit.record(appointment, "marked " + OUTCOMES[outcome], actor, before)
    db.session.commit()
    return OUTCOMES[outcome]

"""Writing the audit log: who did what to an appointment, with before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinicsite.extensions import db
from clinicsite.models import Appointment, AuditEvent


@dataclass(frozen=True)
class Actor:
    staff_id: int | None
    label: str

    @classmethod
    def staff(cls, user) -> Actor:
        return cls(user.id, f"{user.name} ({user.role})")


CLIENT = Actor(None, "client (online)")
STRIPE = Actor(None, "payment provider")
SYSTEM = Actor(None, "system")


def snapshot(appointment: Appointment) -> dict[str, Any]:
    """The fields of an appointment worth comparing before and after a change."""
    return {
        "status": appointment.status,
        "starts_at": appointment.starts_at.isoformat() if appointment.starts_at else None,
        "ends_at": appointment.ends_at.isoformat() if appointment.ends_at else None,
        "therapist_id": appointment.therapist_id,
        "location_id": appointment.location_id,
        "staff_notes": appointment.staff_notes,
    }


def record(
    appointment: Appointment,
    action: str,
    actor: Actor,
    before: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Add an event for `appointment` to the session (committed with the change)."""
    if appointment.id is None:
        db.session.flush()
    event = AuditEvent(
        subject_type="appointment",
        subject_id=appointment.id,
        action=action,
        actor_id=actor.staff_id,
        actor_label=actor.label,
        before=before or {},
        after=snapshot(appointment),
        note=note,
    )
    db.session.add(event)
    return event


def history(appointment: Appointment) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(
                AuditEvent.subject_type == "appointment", AuditEvent.subject_id == appointment.id
            )
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


def record_change(
    subject_type: str,
    subject_id: int,
    action: str,
    actor: Actor,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Add an event about any other record (a service, a therapist's hours, a setting)."""
    event = AuditEvent(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor_id=actor.staff_id,
        actor_label=actor.label,
        before=before or {},
        after=after or {},
        note=note,
    )
    db.session.add(event)
    return event

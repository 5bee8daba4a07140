"""Who receives the emails meant for staff: asked here, nowhere else."""

from __future__ import annotations

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import Appointment, StaffUser
from clinicsite.notifications.render import setting


def configured_front_desk() -> str | None:
    """STAFF_NOTIFY_EMAIL, the front desk's own mailbox, when the clinic set one."""
    return setting("STAFF_NOTIFY_EMAIL") or None


def front_desk() -> list[str]:
    """The front desk: STAFF_NOTIFY_EMAIL, else every active admin."""
    configured = configured_front_desk()
    if configured:
        return [configured]
    return list(
        db.session.scalars(
            sa.select(StaffUser.email).where(StaffUser.role == "admin", StaffUser.active)
        )
    )


def therapist(appointment: Appointment) -> str | None:
    """The therapist's own active account, else the front desk's mailbox (STAFF_NOTIFY_EMAIL;
    the admins are not copied on every booking), else nobody."""
    address = db.session.scalar(
        sa.select(StaffUser.email).where(
            StaffUser.therapist_id == appointment.therapist_id, StaffUser.active
        )
    )
    return address or configured_front_desk()


def comment_moderators() -> list[StaffUser]:
    """Active editors; the active admins when the clinic has no editor."""
    for role in ("editor", "admin"):
        people = list(
            db.session.scalars(
                sa.select(StaffUser)
                .where(StaffUser.role == role, StaffUser.active)
                .order_by(StaffUser.id)
            )
        )
        if people:
            return people
    return []

"""Who changed what, and when: the history of appointments (and other records)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.staff import StaffUser
from clinicsite.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))  # "appointment", "therapist", ...
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(60))  # "booked", "cancelled", "moved", ...
    # A staff member, or None when the client, Stripe or the system acted (see actor_label).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(120))
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[StaffUser | None] = relationship()

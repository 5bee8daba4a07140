"""Newsletter subscribers (double opt-in) and the guide they receive."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow


class Subscriber(db.Model):
    __tablename__ = "subscriber"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'unsubscribed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    # Secret in the confirmation and unsubscribe links.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    source: Mapped[str] = mapped_column(sa.String(120), default="")  # page it came from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the guide was queued for them, in the welcome email or later once one was
    # uploaded: set once, so no one is sent the guide twice.
    guide_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LeadMagnet(db.Model):
    """A file staff upload (the guide) that confirmed subscribers can download."""

    __tablename__ = "lead_magnet"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(200), unique=True)  # under instance/
    original_name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

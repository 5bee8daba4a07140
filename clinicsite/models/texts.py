"""Text messages waiting to go: queued in the transaction that decides to send them (like the
email outbox), handed to the SMS gateway by `flask outbox send`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow

TEXT_STATUSES = ("queued", "sending", "sent", "failed", "skipped")


class OutboxText(db.Model):
    """One text to `to` (E.164). `key` makes queueing it twice a no-op. A text is claimed as
    "sending" and committed before the gateway is called, so a run that dies in between
    leaves it "sending" and nobody is texted twice; "skipped" means the number texted STOP
    after it was queued."""

    __tablename__ = "outbox_text"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'skipped')", name="status"
        ),
        sa.Index("ix_outbox_text_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    provider_id: Mapped[str] = mapped_column(sa.String(64), default="")

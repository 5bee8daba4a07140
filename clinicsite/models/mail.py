"""Outgoing email, written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from clinicsite.extensions import db
from clinicsite.models.types import UTCDateTime, utcnow


class OutboxEmail(db.Model):
    __tablename__ = "outbox_email"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        sa.Index("ix_outbox_email_due", "status", "next_attempt_at"),
        # The few hard bounces, found among every email ever sent (newsletter.sending).
        sa.Index("ix_outbox_email_bounced_at", "bounced_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optional de-duplication key ("reminder:42"): the same email is never queued twice.
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # [{"filename": ..., "content_type": "text/calendar", "content": <text>}, ...]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Extra headers, checked by outbox.enqueue: {"Reply-To": ..., "List-Unsubscribe": ...}
    headers: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the receiving server refused the address for good (an SMTP 5xx on the
    # recipient or the message): a hard bounce, which the newsletter reads to stop mailing it.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

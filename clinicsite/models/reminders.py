"""Reminders: the clinic's rules (how long before, by which channel), every reminder sent
or failed (once per appointment, rule and start time), and the numbers that texted STOP."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinicsite.extensions import db
from clinicsite.models.booking import Appointment
from clinicsite.models.types import UTCDateTime, utcnow

CHANNELS = ("email", "sms")
# sending: claimed by a run, the message on its way (a row left so means the run died
# mid-send: the text is not tried again, so nobody gets it twice).
SENT_STATUSES = ("sending", "sent", "failed")
MAX_HOURS_BEFORE = 24 * 14


class ReminderRule(db.Model):
    """Remind every confirmed appointment `hours_before` its start, by `channel`."""

    __tablename__ = "reminder_rule"
    __table_args__ = (
        sa.CheckConstraint(
            f"hours_before >= 1 AND hours_before <= {MAX_HOURS_BEFORE}", name="hours_before"
        ),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="channel"),
        sa.UniqueConstraint("hours_before", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hours_before: Mapped[int]
    channel: Mapped[str] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def label(self) -> str:
        hours = self.hours_before
        ahead = (
            f"{hours // 24} day{'s' if hours // 24 != 1 else ''}"
            if hours % 24 == 0
            else f"{hours} hour{'s' if hours != 1 else ''}"
        )
        return f"{'Text' if self.channel == 'sms' else 'Email'} {ahead} before"


class ReminderSent(db.Model):
    """One reminder for one appointment, rule and start time: the unique key makes it go
    exactly once, and again after a reschedule (the start time changed)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        sa.UniqueConstraint("appointment_id", "rule_id", "starts_at"),
        sa.CheckConstraint("status IN ('sending', 'sent', 'failed')", name="status"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment.id"), index=True)
    # The rule may be deleted later; the record of what was sent stays.
    rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reminder_rule.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(sa.String(10))
    # The appointment's start this reminder was for.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(10))
    recipient: Mapped[str] = mapped_column(sa.String(254), default="")
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    # The provider's id for a text (Twilio's message SID).
    provider_id: Mapped[str] = mapped_column(sa.String(64), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    appointment: Mapped[Appointment] = relationship()
    rule: Mapped[ReminderRule | None] = relationship()


class SmsOptOut(db.Model):
    """A number that texted STOP (or UNSUBSCRIBE...): it gets no texts until START."""

    __tablename__ = "sms_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)  # E.164
    keyword: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Outgoing email: the outbox (queued with the change that causes it, sent by
`flask outbox send`) and iCalendar attachments and feeds."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from clinicsite.mail import outbox
from clinicsite.mail.ics import appointment_ics, calendar_feed
from clinicsite.mail.outbox import (
    MAX_ATTEMPTS,
    DeliveryReport,
    MailConfigError,
    build_message,
    enqueue,
)

__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryReport",
    "MailConfigError",
    "appointment_ics",
    "build_message",
    "calendar_feed",
    "deliver_due",
    "enqueue",
]


def deliver_due(now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """`outbox.deliver_due` with the app's mail settings."""
    return outbox.deliver_due(current_app.config, now=now, limit=limit)

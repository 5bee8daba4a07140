"""Outgoing email: the outbox (queued with the change that causes it, sent by
`flask outbox send`) and iCalendar attachments and feeds."""

from clinicsite.mail.ics import appointment_ics, calendar_feed
from clinicsite.mail.outbox import (
    MAX_ATTEMPTS,
    DeliveryReport,
    MailConfigError,
    build_message,
    deliver_due,
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

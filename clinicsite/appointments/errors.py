"""What the appointment actions raise, in one place for the views that catch them."""

from __future__ import annotations

from clinicsite.appointments.limits import LimitReached
from clinicsite.payments.gateway import PaymentError
from clinicsite.scheduling.holds import SlotTaken

__all__ = ["LimitReached", "NotAllowed", "PaymentError", "SlotTaken"]


class NotAllowed(Exception):
    """The action is not possible for this appointment now; the message says why."""

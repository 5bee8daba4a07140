"""The emails of cards on file (issue 14): a fee's receipt, and the link that asks a client
booked by phone to agree to the fees and save a card."""

from __future__ import annotations

from clinicsite.clinic import get_clinic
from clinicsite.models import Appointment
from clinicsite.money import format_amount
from clinicsite.notifications.booking import _send
from clinicsite.notifications.links import Links, site_links
from clinicsite.timefmt import long_datetime

KIND_WORDS = {"no_show": "no-show fee", "late_cancel": "late-cancellation fee"}


def fee_receipt(appointment: Appointment, charge, links: Links | None = None) -> None:
    """The client's receipt for a fee (a FeeCharge that succeeded)."""
    _send(
        appointment,
        "fee_receipt",
        links or site_links(),
        key=f"fee-receipt:{charge.token}",
        charge=charge,
        fee_words=KIND_WORDS[charge.kind],
        total=lambda amount: format_amount(amount, charge.currency),
        charged_at=long_datetime(charge.created_at, get_clinic().tz),
    )


def card_link(appointment: Appointment, url: str, words: str, links: Links | None = None) -> None:
    """Ask a client booked by phone to agree to the fees and save a card."""
    _send(appointment, "card_link", links or site_links(), card_url=url, policy=words)

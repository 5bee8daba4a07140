"""The booking details step's "Gift card code" (templates/booking/_gift_card.html): checked
before the time is held, so a wrong code is a form error with everything kept; applied once
the time is held (giftcards/deposits.py)."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, url_for

from clinicsite.booking import cards
from clinicsite.giftcards import deposits
from clinicsite.giftcards.ledger import CardRefused
from clinicsite.models import Appointment


def refused(form, sel, clinic, now: datetime) -> bool:
    """Whether the typed code cannot pay this booking's deposit (the reason then on the
    field). A free booking ignores the field."""
    if not sel.option.deposit:
        return False
    today = now.astimezone(clinic.tz).date()
    problem = deposits.problem(form.gift_card_code.data, clinic.currency, today)
    if problem:
        form.gift_card_code.errors = [*form.gift_card_code.errors, problem]
    return problem is not None


def after_hold(appointment: Appointment, form, clinic, now: datetime):
    """Pay the held deposit from the card: a redirect to the confirmed booking when the card
    covered it all; None when the checkout should follow (for the rest, or for all of it
    when the card was used up meanwhile, which is said)."""
    code = (form.gift_card_code.data or "").strip()
    if not code or appointment.status != "held" or not appointment.deposit:
        return None
    try:
        confirmed = deposits.apply(appointment, code, now, now.astimezone(clinic.tz).date())
    except CardRefused as exc:
        flash(f"Your gift card could not be used: {exc} Please pay the deposit by card.", "error")
        return None
    if confirmed:
        flash("Your deposit is paid by gift card: your booking is confirmed.", "success")
        # A clinic keeping cards on file still saves the card, on a page of its own.
        return cards.to_card_setup(appointment) or redirect(
            url_for("booking.manage", token=appointment.token), code=303
        )
    flash("Your gift card paid part of the deposit; please pay the rest by card.", "success")
    return None
